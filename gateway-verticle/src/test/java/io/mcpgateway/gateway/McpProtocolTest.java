package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
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

/** The Streamable HTTP transport's edges, spoken raw over HTTP (MCP 2025-11-25 basic/transports, lifecycle). */
class McpProtocolTest {
  private static final String ACCEPT = "application/json, text/event-stream";
  private static GatewayHarness gw;
  private static HttpFixtureServer upstream;
  private static WebClient web;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("protocol", new JsonObject().put("MGW_BODY_LIMIT", "2048"));
    upstream = HttpFixtureServer.streamable("up");
    preset = gw.preset(GatewayHarness.slug("proto"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("up"), upstream.url(), Map.of()), List.of("echo"));
    web = WebClient.create(gw.vertx);
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.close();
  }

  private static HttpRequest<Buffer> post(String slug) {
    return web.post(gw.port(), "127.0.0.1", "/mcp/" + slug).putHeader("Accept", ACCEPT)
        .putHeader("Content-Type", "application/json");
  }

  private static JsonObject initialize(String version) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize").put("params",
        new JsonObject().put("protocolVersion", version).put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "raw").put("version", "1")));
  }

  private static String session() {
    HttpResponse<Buffer> r = post(preset.slug()).sendJsonObject(initialize("2025-11-25")).await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.getHeader("Mcp-Session-Id");
  }

  private static HttpResponse<Buffer> call(String session, JsonObject message) {
    return post(preset.slug()).putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25")
        .sendBuffer(message.toBuffer()).await();
  }

  private static JsonObject request(int id, String method, JsonObject params) {
    JsonObject m = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
    return params == null ? m : m.put("params", params);
  }

  @Test
  void initialize_assigns_a_session_and_negotiates_the_version() {
    HttpResponse<Buffer> r = post(preset.slug()).sendJsonObject(initialize("2025-06-18")).await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Mcp-Session-Id")).matches("[A-Za-z0-9_-]{60,512}");
    JsonObject result = r.bodyAsJsonObject().getJsonObject("result");
    assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
    assertThat(result.getJsonObject("capabilities").getJsonObject("tools").getBoolean("listChanged")).isTrue();
    assertThat(result.getString("instructions")).isEqualTo("Tools for " + preset.slug());

    JsonObject future = post(preset.slug()).sendJsonObject(initialize("2099-01-01")).await().bodyAsJsonObject();
    assertThat(future.getJsonObject("result").getString("protocolVersion")).isEqualTo("2025-11-25");
  }

  @Test
  void requests_need_a_known_session() {
    HttpResponse<Buffer> missing = post(preset.slug()).sendJsonObject(request(2, "tools/list", null)).await();
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("Mcp-Session-Id");
    HttpResponse<Buffer> unknown = call("no-such-session", request(2, "tools/list", null));
    assertThat(unknown.statusCode()).isEqualTo(404);
    // Its own code: a client must be able to tell "initialize again" from "authenticate" (UNAUTHORIZED, -32001).
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getInteger("code"))
        .isEqualTo(ErrorCode.SESSION_NOT_FOUND.jsonRpcCode()).isNotEqualTo(ErrorCode.UNAUTHORIZED.jsonRpcCode());
  }

  @Test
  void delete_ends_the_session() {
    String session = session();
    HttpResponse<Buffer> deleted = web.delete(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Mcp-Session-Id", session).send().await();
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(call(session, request(3, "ping", null)).statusCode()).isEqualTo(404);
  }

  @Test
  void an_unsupported_protocol_version_header_is_a_bad_request() {
    String session = session();
    HttpResponse<Buffer> r = post(preset.slug()).putHeader("Mcp-Session-Id", session)
        .putHeader("MCP-Protocol-Version", "1999-01-01").sendJsonObject(request(4, "ping", null)).await();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("1999-01-01");
  }

  @Test
  void notifications_are_accepted_with_202_and_no_body() {
    String session = session();
    HttpResponse<Buffer> r = call(session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body() == null || r.body().length() == 0).isTrue();
  }

  @Test
  void malformed_json_is_a_parse_error_and_bad_envelopes_are_invalid_requests() {
    String session = session();
    HttpResponse<Buffer> r = post(preset.slug()).putHeader("Mcp-Session-Id", session)
        .sendBuffer(Buffer.buffer("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ")).await();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(-32700);

    HttpResponse<Buffer> wrongVersion = call(session, new JsonObject().put("jsonrpc", "1.0").put("id", 5).put("method", "ping"));
    assertThat(wrongVersion.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(-32600);
    assertThat(wrongVersion.bodyAsJsonObject().getValue("id")).isEqualTo(5);
  }

  @Test
  void an_oversize_body_is_refused_with_413() {
    String big = "x".repeat(4096);
    HttpResponse<Buffer> r = post(preset.slug()).sendJsonObject(request(6, "tools/call",
        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", big)))).await();
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("size limit");
  }

  @Test
  void unknown_methods_and_tools_get_the_json_rpc_codes() {
    String session = session();
    JsonObject unknownMethod = call(session, request(7, "resources/frobnicate", null)).bodyAsJsonObject();
    assertThat(unknownMethod.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    assertThat(unknownMethod.getValue("id")).isEqualTo(7);
    JsonObject unknownTool = call(session, request(8, "tools/call", new JsonObject().put("name", "nope"))).bodyAsJsonObject();
    assertThat(unknownTool.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(unknownTool.getJsonObject("error").getString("message")).contains("Unknown tool: nope");
    JsonObject badArgs = call(session, request(9, "tools/call", new JsonObject().put("name", "echo").put("arguments", "x")))
        .bodyAsJsonObject();
    assertThat(badArgs.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    JsonObject badCursor = call(session, request(10, "tools/list", new JsonObject().put("cursor", "bogus"))).bodyAsJsonObject();
    assertThat(badCursor.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
  }

  @Test
  void batches_are_refused_after_2025_03_26_and_answered_before() {
    String session = session();
    JsonArray batch = new JsonArray().add(request(11, "ping", null)).add(request(12, "ping", null));
    HttpResponse<Buffer> refused = post(preset.slug()).putHeader("Mcp-Session-Id", session).sendBuffer(batch.toBuffer()).await();
    assertThat(refused.statusCode()).isEqualTo(400);

    String old = post(preset.slug()).sendJsonObject(initialize("2025-03-26")).await().getHeader("Mcp-Session-Id");
    HttpResponse<Buffer> answered = post(preset.slug()).putHeader("Mcp-Session-Id", old).sendBuffer(batch.toBuffer()).await();
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.bodyAsJsonArray()).extracting(o -> ((JsonObject) o).getInteger("id")).containsExactly(11, 12);
  }

  @Test
  void browser_clients_get_cors_preflights_answered_and_can_read_the_session_id() {
    HttpResponse<Buffer> preflight = web.request(io.vertx.core.http.HttpMethod.OPTIONS, gw.port(), "127.0.0.1",
            "/mcp/" + preset.slug())
        .putHeader("Origin", "http://localhost:5173").putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "content-type,mcp-session-id,mcp-protocol-version,authorization")
        .send().await();
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    assertThat(preflight.getHeader("Access-Control-Allow-Headers").toLowerCase()).contains("mcp-session-id")
        .contains("authorization");
    HttpResponse<Buffer> init = post(preset.slug()).putHeader("Origin", "http://localhost:5173")
        .sendJsonObject(initialize("2025-11-25")).await();
    assertThat(init.statusCode()).isEqualTo(200);
    assertThat(init.getHeader("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    assertThat(init.getHeader("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");
    HttpResponse<Buffer> foreign = web.request(io.vertx.core.http.HttpMethod.OPTIONS, gw.port(), "127.0.0.1",
            "/mcp/" + preset.slug())
        .putHeader("Origin", "https://evil.example").putHeader("Access-Control-Request-Method", "POST").send().await();
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void a_foreign_origin_is_refused_and_localhost_is_allowed() {
    HttpResponse<Buffer> evil = post(preset.slug()).putHeader("Origin", "https://evil.example")
        .sendJsonObject(initialize("2025-11-25")).await();
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(ErrorCode.FORBIDDEN.jsonRpcCode());
    HttpResponse<Buffer> local = post(preset.slug()).putHeader("Origin", "http://localhost:3000")
        .sendJsonObject(initialize("2025-11-25")).await();
    assertThat(local.statusCode()).isEqualTo(200);
  }

  @Test
  void unknown_and_inactive_presets_are_404_and_private_ones_ask_for_credentials() {
    assertThat(post("no-such-preset").sendJsonObject(initialize("2025-11-25")).await().statusCode()).isEqualTo(404);
    Preset disabled = gw.preset(GatewayHarness.slug("off"), Visibility.PUBLIC);
    gw.presets.update(gw.pool, new Preset(disabled.id(), disabled.slug(), disabled.name(), null, Visibility.PUBLIC,
        PresetStatus.DISABLED, null, disabled.ownerId(), null, null, null, List.of())).await();
    assertThat(post(disabled.slug()).sendJsonObject(initialize("2025-11-25")).await().statusCode()).isEqualTo(404);

    Preset closed = gw.preset(GatewayHarness.slug("closed"), Visibility.PRIVATE);
    HttpResponse<Buffer> anonymous = post(closed.slug()).sendJsonObject(initialize("2025-11-25")).await();
    assertThat(anonymous.statusCode()).isEqualTo(401);
    // No authorization server configured here: a plain Bearer challenge (DataPlaneAccessTest covers the OAuth form).
    assertThat(anonymous.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"mcp-gateway\"");
    HttpResponse<Buffer> badKey = post(closed.slug()).putHeader("Authorization", "Bearer mgw_nope")
        .sendJsonObject(initialize("2025-11-25")).await();
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertThat(badKey.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
    HttpResponse<Buffer> metadata = web.get(gw.port(), "127.0.0.1",
        "/.well-known/oauth-protected-resource/mcp/" + closed.slug()).send().await();
    assertThat(metadata.statusCode()).as("RFC 9728 metadata needs an authorization server").isEqualTo(404);
  }

  @Test
  void tools_call_answers_json_and_the_get_stream_carries_list_changed() {
    String session = session();
    HttpResponse<Buffer> result = call(session, request(13, "tools/call",
        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", "raw"))));
    assertThat(result.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(result.bodyAsJsonObject().getJsonObject("result").getJsonArray("content").getJsonObject(0)
        .getString("text")).isEqualTo("up:echo: raw");
    assertThat(result.getHeader("RateLimit-Limit")).isEqualTo("100");

    HttpClient raw = gw.vertx.createHttpClient();
    AtomicReference<String> received = new AtomicReference<>("");
    var stream = raw.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(gw.port())
            .setURI("/mcp/" + preset.slug()).putHeader("Accept", "text/event-stream").putHeader("Mcp-Session-Id", session))
        .compose(r -> r.send()).await();
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.getHeader("Content-Type")).isEqualTo("text/event-stream");
    stream.handler(b -> received.updateAndGet(s -> s + b.toString()));
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    Eventually.await("list_changed on the GET stream", Duration.ofSeconds(5),
        () -> received.get().contains("notifications/tools/list_changed"));
    HttpResponse<Buffer> noAccept = web.get(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json").putHeader("Mcp-Session-Id", session).send().await();
    assertThat(noAccept.statusCode()).isEqualTo(406);
  }

  @Test
  void a_callers_cancellation_reaches_the_upstream_and_ends_the_pending_request() {
    Preset slowPreset = gw.preset(GatewayHarness.slug("cancel"), Visibility.PUBLIC);
    gw.link(slowPreset, gw.httpServer(GatewayHarness.slug("slow"), upstream.url(), Map.of()), List.of("slow"));
    String session = post(slowPreset.slug()).sendJsonObject(initialize("2025-11-25")).await().getHeader("Mcp-Session-Id");
    var pending = post(slowPreset.slug()).putHeader("Mcp-Session-Id", session)
        .putHeader("MCP-Protocol-Version", "2025-11-25")
        .sendBuffer(request(21, "tools/call", new JsonObject().put("name", "slow")
            .put("arguments", new JsonObject().put("ms", 4000))).toBuffer());
    Eventually.await("the slow call to reach the upstream", Duration.ofSeconds(5), () -> upstream.seen().stream()
        .anyMatch(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));

    long cancelledAt = System.nanoTime();
    HttpResponse<Buffer> cancel = post(slowPreset.slug()).putHeader("Mcp-Session-Id", session)
        .putHeader("MCP-Protocol-Version", "2025-11-25")
        .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/cancelled")
            .put("params", new JsonObject().put("requestId", 21).put("reason", "stop pressed in the client"))).await();
    assertThat(cancel.statusCode()).isEqualTo(202);

    Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> upstream.seen().stream()
        .anyMatch(r -> "notifications/cancelled".equals(r.jsonRpcMethod())
            && r.body().contains("stop pressed in the client")));
    pending.await();
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void every_tool_call_is_recorded_once_for_the_metrics_with_its_outcome() {
    Preset measured = gw.preset(GatewayHarness.slug("measured"), Visibility.PUBLIC);
    var server = gw.httpServer(GatewayHarness.slug("measured-up"), upstream.url(), Map.of());
    gw.link(measured, server, List.of("echo", "fail"));
    java.util.Queue<ToolCallRecorded> records = new java.util.concurrent.ConcurrentLinkedQueue<>();
    var consumer = gw.vertx.eventBus().<io.mcpgateway.model.bus.ToolCallBatch>consumer(Addresses.TOOL_CALL_RECORDED,
        m -> m.body().calls().stream().filter(r -> r.presetId().equals(measured.id())).forEach(records::add));
    try {
      String session = post(measured.slug()).sendJsonObject(initialize("2025-11-25")).await().getHeader("Mcp-Session-Id");
      for (var call : List.of(request(31, "tools/call", new JsonObject().put("name", "echo")
              .put("arguments", new JsonObject().put("text", "counted"))),
          request(32, "tools/call", new JsonObject().put("name", "fail").put("arguments", new JsonObject())),
          request(33, "tools/call", new JsonObject().put("name", "not-a-tool")))) {
        post(measured.slug()).putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25")
            .sendBuffer(call.toBuffer()).await();
      }
      Eventually.await("two tool calls recorded", Duration.ofSeconds(5), () -> records.size() >= 2);
      assertThat(records).extracting(ToolCallRecorded::tool, ToolCallRecorded::ok, ToolCallRecorded::serverId)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("echo", true, server.id()),
              org.assertj.core.groups.Tuple.tuple("fail", false, server.id()));
      assertThat(records).filteredOn(r -> !r.ok()).extracting(ToolCallRecorded::error)
          .containsExactly("tool returned isError");
    } finally {
      consumer.unregister().await();
    }
  }

  @Test
  void over_the_preset_limit_a_caller_gets_429_with_retry_after_and_ratelimit_headers() {
    Preset limited = gw.presets.insert(gw.pool, new Preset(java.util.UUID.randomUUID(), GatewayHarness.slug("limited"),
        "Limited", null, Visibility.PUBLIC, PresetStatus.ACTIVE, 3, gw.owner.id(), null, null, null, List.of())).await();
    for (int i = 1; i <= 3; i++) {
      HttpResponse<Buffer> ok = post(limited.slug()).sendJsonObject(initialize("2025-11-25")).await();
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.getHeader("RateLimit-Limit")).isEqualTo("3");
      assertThat(ok.getHeader("RateLimit-Remaining")).isEqualTo(String.valueOf(3 - i));
    }
    HttpResponse<Buffer> refused = post(limited.slug()).sendJsonObject(initialize("2025-11-25")).await();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 60);
    assertThat(refused.getHeader("RateLimit-Remaining")).isEqualTo("0");
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("Rate limit exceeded");
    assertThat(refused.bodyAsJsonObject().getValue("id")).as("the rejected request's id is echoed").isEqualTo(1);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(-32029);
  }

  @Test
  void one_keep_alive_connection_keeps_working_after_429_answers() {
    Preset limited = gw.presets.insert(gw.pool, new Preset(java.util.UUID.randomUUID(), GatewayHarness.slug("reuse"),
        "Reuse", null, Visibility.PUBLIC, PresetStatus.ACTIVE, 2, gw.owner.id(), null, null, null, List.of())).await();
    WebClient single = WebClient.create(gw.vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(1));
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<Buffer> r = single.post(gw.port(), "127.0.0.1", "/mcp/" + limited.slug()).putHeader("Accept", ACCEPT)
          .timeout(5000).sendJsonObject(initialize("2025-11-25")).await();
      statuses.add(r.statusCode());
    }
    assertThat(statuses).containsExactly(200, 200, 429, 429, 429, 429);
    single.close();
  }
}
