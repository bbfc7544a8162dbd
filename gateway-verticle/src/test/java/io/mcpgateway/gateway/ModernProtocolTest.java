package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The modern era (MCP 2026-07-28) on {@code /mcp/{slug}}, spoken raw over HTTP: no session, per-request _meta,
 * header validation, resultType, caching hints, server/discover, subscriptions/listen, the unsupported-version
 * error; a preset joining a 2025 upstream (Java SDK) and a 2026 upstream (TypeScript SDK v2).
 */
class ModernProtocolTest {
  private static final String V = "2026-07-28";
  private static GatewayHarness gw;
  private static HttpFixtureServer legacy;
  private static ModernFixtureServer modern;
  private static WebClient web;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("modern", new JsonObject());
    legacy = HttpFixtureServer.streamable("old");
    modern = ModernFixtureServer.start("new");
    preset = gw.preset(GatewayHarness.slug("eras"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("old"), legacy.url(), Map.of()), List.of("echo"));
    gw.link(preset, gw.httpServer(GatewayHarness.slug("new"), modern.url(), Map.of()), List.of());
    web = WebClient.create(gw.vertx);
  }

  @AfterAll
  static void stop() {
    gw.close();
    legacy.close();
    modern.close();
  }

  static JsonObject meta(JsonObject capabilities) {
    return new JsonObject().put("io.modelcontextprotocol/protocolVersion", V)
        .put("io.modelcontextprotocol/clientInfo", new JsonObject().put("name", "raw").put("version", "1"))
        .put("io.modelcontextprotocol/clientCapabilities", capabilities);
  }

  static JsonObject request(Object id, String method, JsonObject params) {
    JsonObject p = params == null ? new JsonObject() : params.copy();
    if (!p.containsKey("_meta")) {
      p.put("_meta", meta(new JsonObject()));
    }
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", p);
  }

  private static HttpRequest<Buffer> post(String method, String name) {
    HttpRequest<Buffer> r = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream").putHeader("Content-Type", "application/json")
        .putHeader("MCP-Protocol-Version", V).putHeader("Mcp-Method", method);
    return name == null ? r : r.putHeader("Mcp-Name", name);
  }

  private static HttpResponse<Buffer> send(JsonObject message) {
    String method = message.getString("method");
    JsonObject params = message.getJsonObject("params");
    String name = params == null ? null : params.getString("name");
    return post(method, name).sendJsonObject(message).await();
  }

  private static JsonObject body(HttpResponse<Buffer> r) {
    String text = r.bodyAsString();
    if (text.startsWith("event:") || text.startsWith("data:")) {
      String last = text.lines().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow();
      return new JsonObject(last.substring(6));
    }
    return new JsonObject(text);
  }

  private static JsonObject result(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject result = body(r).getJsonObject("result");
    assertThat(result).as(r.bodyAsString()).isNotNull();
    return result;
  }

  private static JsonObject error(HttpResponse<Buffer> r, int status, int code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject error = body(r).getJsonObject("error");
    assertThat(error.getInteger("code")).as(r.bodyAsString()).isEqualTo(code);
    return error;
  }

  @Test
  void server_discover_lists_both_eras_and_no_session_is_minted() {
    HttpResponse<Buffer> r = send(request(1, "server/discover", null));
    JsonObject result = result(r);
    assertThat(r.getHeader("Mcp-Session-Id")).isNull();
    assertThat(result.getJsonArray("supportedVersions").getList()).containsExactlyElementsOf(ProtocolVersions.ALL);
    assertThat(result.getString("resultType")).isEqualTo("complete");
    assertThat(result.getJsonObject("capabilities").containsKey("tools")).isTrue();
    assertThat(result.getLong("ttlMs")).isEqualTo(60_000L);
    assertThat(result.getString("cacheScope")).isEqualTo("public");
    assertThat(result.getJsonObject("_meta").getJsonObject("io.modelcontextprotocol/serverInfo").getString("name"))
        .isEqualTo("mcp-gateway/" + preset.slug());
  }

  @Test
  void tools_of_both_eras_are_listed_with_caching_hints_and_called_without_a_session() {
    JsonObject list = result(send(request(2, "tools/list", null)));
    assertThat(list.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")))
        .contains("echo", "new_echo", "new_confirm");
    assertThat(list.getString("resultType")).isEqualTo("complete");
    assertThat(list.getLong("ttlMs")).isEqualTo(60_000L);
    assertThat(list.getString("cacheScope")).isEqualTo("public");

    JsonObject old = result(send(request(3, "tools/call", new JsonObject().put("name", "echo")
        .put("arguments", new JsonObject().put("text", "a")))));
    assertThat(old.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("old:echo: a");
    assertThat(old.getString("resultType")).isEqualTo("complete");
    JsonObject fresh = result(send(request(4, "tools/call", new JsonObject().put("name", "new_echo")
        .put("arguments", new JsonObject().put("text", "b")))));
    assertThat(fresh.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("new: b");
  }

  @Test
  void an_upstreams_input_required_result_passes_through_and_the_follow_up_completes() {
    JsonObject caps = new JsonObject().put("elicitation", new JsonObject());
    JsonObject params = new JsonObject().put("name", "new_confirm").put("arguments", new JsonObject().put("what", "x"))
        .put("_meta", meta(caps));
    JsonObject first = result(send(request(5, "tools/call", params)));
    assertThat(first.getString("resultType")).isEqualTo("input_required");
    JsonObject ask = first.getJsonObject("inputRequests").getJsonObject("confirm");
    assertThat(ask.getString("method")).isEqualTo("elicitation/create");

    JsonObject retry = params.copy().put("inputResponses", new JsonObject().put("confirm",
        new JsonObject().put("action", "accept").put("content", new JsonObject().put("ok", true))));
    JsonObject done = result(send(request(6, "tools/call", retry)));
    assertThat(done.getString("resultType")).isEqualTo("complete");
    assertThat(done.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("confirm x: accept {\"ok\":true}");
  }

  @Test
  void headers_must_match_the_body() {
    JsonObject call = request(7, "tools/call", new JsonObject().put("name", "echo").put("arguments", new JsonObject()));
    error(post("tools/call", null).sendJsonObject(call).await(), 400, -32020);
    error(post("tools/call", "other").sendJsonObject(call).await(), 400, -32020);
    error(post("tools/list", "echo").sendJsonObject(call).await(), 400, -32020);
    JsonObject ok = error(web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream").putHeader("Mcp-Method", "tools/call")
        .putHeader("Mcp-Name", "echo").sendJsonObject(call).await(), 400, -32020);
    assertThat(ok.getString("message")).contains("MCP-Protocol-Version");
    // Base64 sentinel (transports §Value Encoding) is decoded before comparing
    JsonObject encoded = result(post("tools/call", "=?base64?ZWNobw==?=").sendJsonObject(request(8, "tools/call",
        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", "z")))).await());
    assertThat(encoded.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("old:echo: z");
  }

  @Test
  void meta_is_required_and_versions_are_checked_with_the_id_echoed() {
    JsonObject noMeta = new JsonObject().put("jsonrpc", "2.0").put("id", "m1").put("method", "tools/list")
        .put("params", new JsonObject());
    assertThat(error(post("tools/list", null).sendJsonObject(noMeta).await(), 400, -32602)).isNotNull();
    JsonObject noCaps = request("m2", "tools/list", new JsonObject().put("_meta",
        new JsonObject().put("io.modelcontextprotocol/protocolVersion", V)));
    error(post("tools/list", null).sendJsonObject(noCaps).await(), 400, -32602);

    JsonObject unknown = request("m3", "server/discover", new JsonObject().put("_meta",
        meta(new JsonObject()).put("io.modelcontextprotocol/protocolVersion", "v999")));
    HttpResponse<Buffer> r = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream").putHeader("MCP-Protocol-Version", "v999")
        .putHeader("Mcp-Method", "server/discover").sendJsonObject(unknown).await();
    JsonObject e = error(r, 400, -32022);
    assertThat(body(r).getValue("id")).isEqualTo("m3");
    assertThat(e.getJsonObject("data").getJsonArray("supported").getList()).containsExactlyElementsOf(ProtocolVersions.ALL);
    assertThat(e.getJsonObject("data").getString("requested")).isEqualTo("v999");
    error(post("server/discover", null).sendJsonObject(unknown).await(), 400, -32020);
  }

  @Test
  void a_legacy_client_with_an_unknown_version_gets_the_same_error_with_its_id() {
    JsonObject ping = new JsonObject().put("jsonrpc", "2.0").put("id", 77).put("method", "tools/list");
    HttpResponse<Buffer> r = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream").putHeader("MCP-Protocol-Version", "2024-01-01")
        .sendJsonObject(ping).await();
    JsonObject e = error(r, 400, -32022);
    assertThat(body(r).getInteger("id")).isEqualTo(77);
    assertThat(e.getJsonObject("data").getJsonArray("supported").getList()).contains("2026-07-28", "2025-11-25");
  }

  @Test
  void removed_and_unknown_methods_are_404_and_get_and_delete_are_405() {
    error(send(request(9, "ping", null)), 404, -32601);
    error(send(request(10, "initialize", null)), 404, -32601);
    error(send(request(11, "no/such", null)), 404, -32601);
    HttpResponse<Buffer> get = web.get(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "text/event-stream").putHeader("MCP-Protocol-Version", V).send().await();
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<Buffer> delete = web.delete(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("MCP-Protocol-Version", V).send().await();
    assertThat(delete.statusCode()).isEqualTo(405);
  }

  private static String text(AtomicReference<StringBuilder> seen) {
    synchronized (seen) {
      return seen.get().toString();
    }
  }

  @Test
  void subscriptions_listen_acknowledges_and_delivers_tool_list_changes() {
    HttpClient client = gw.vertx.createHttpClient();
    AtomicReference<StringBuilder> seen = new AtomicReference<>(new StringBuilder());
    JsonObject listen = request(42, "subscriptions/listen", new JsonObject()
        .put("notifications", new JsonObject().put("toolsListChanged", true).put("promptsListChanged", true)));
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(gw.port()).setHost("127.0.0.1")
            .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json, text/event-stream")
            .putHeader("Content-Type", "application/json").putHeader("MCP-Protocol-Version", V)
            .putHeader("Mcp-Method", "subscriptions/listen"))
        .compose(req -> req.send(listen.toBuffer()))
        .onSuccess(resp -> resp.handler(b -> {
          synchronized (seen) {
            seen.get().append(b.toString());
          }
        })).await();
    Eventually.await("the acknowledgement", Duration.ofSeconds(5), () -> text(seen).contains("notifications/subscriptions/acknowledged"));
    // The 2026 upstream offers prompts, so their list changes are honoured too; resources were not asked for.
    assertThat(text(seen)).contains("\"io.modelcontextprotocol/subscriptionId\":42").contains("\"toolsListChanged\":true")
        .contains("\"promptsListChanged\":true").doesNotContain("resourcesListChanged");
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    Eventually.await("the list change", Duration.ofSeconds(5), () -> text(seen).contains("notifications/tools/list_changed"));
    client.close().await();
  }
}
