package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.StdioFixtureMain;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP client features through a preset, with the official Java SDK on both sides: an upstream that asks its
 * client (sampling, elicitation in form and URL mode, roots) while serving a tool call. Each request must be
 * answered by the client that made the call; a second client calling the same upstream at the same time must
 * see nothing of it.
 */
class ClientFeaturesEndToEndTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer asker;
  private static HttpFixtureServer legacyAsker;
  private static Preset httpPreset;
  private static Preset stdioPreset;
  private static Preset legacyPreset;

  @BeforeAll
  static void start() {
    // Generous bounds: stdio callers each start a JVM of their own, and CI machines are busy.
    gw = new GatewayHarness("clientfeatures", new JsonObject().put("MGW_TOOL_CALL_TIMEOUT", "30s"));
    asker = HttpFixtureServer.streamable("asker", json -> {
      var tools = new ArrayList<>(FixtureTools.standard(json, "asker:"));
      tools.addAll(FixtureTools.clientFeatures(json, "asker:"));
      return tools;
    });
    legacyAsker = HttpFixtureServer.legacySse("legacy-asker", json -> {
      var tools = new ArrayList<>(FixtureTools.standard(json, "legacy-asker:"));
      tools.addAll(FixtureTools.clientFeatures(json, "legacy-asker:"));
      return tools;
    });
    UpstreamServer http = gw.httpServer(GatewayHarness.slug("asker"), asker.url(), Map.of());
    UpstreamServer legacy = gw.sseServer(GatewayHarness.slug("legacy-asker"), legacyAsker.url());
    UpstreamServer stdio = gw.stdioServer(GatewayHarness.slug("stdio-asker"),
        StdioFixtureMain.command("stdio-asker", "--client-features"), Map.of());
    httpPreset = gw.preset(GatewayHarness.slug("features"), Visibility.PUBLIC);
    gw.link(httpPreset, http, List.of());
    stdioPreset = gw.preset(GatewayHarness.slug("stdio-features"), Visibility.PUBLIC);
    gw.link(stdioPreset, stdio, List.of());
    legacyPreset = gw.preset(GatewayHarness.slug("legacy-features"), Visibility.PUBLIC);
    gw.link(legacyPreset, legacy, List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    asker.close();
    legacyAsker.close();
  }

  private static McpSyncClient client(Preset preset, UnaryOperator<McpClient.SyncSpec> features) {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + preset.slug()).build();
    McpSyncClient client = features.apply(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))).build();
    client.initialize();
    return client;
  }

  /**
   * A client whose sampling and elicitation handlers record what reached them and answer as {@code who}. Each
   * handler first waits (bounded) on {@code together}, so two clients' requests are in flight at the same time.
   */
  private static final class Asked {
    final String who;
    final CountDownLatch together;
    final List<String> sampled = new CopyOnWriteArrayList<>();
    final List<String> elicited = new CopyOnWriteArrayList<>();

    Asked(String who, CountDownLatch together) {
      this.who = who;
      this.together = together;
    }

    McpSyncClient connect(Preset preset) {
      return client(preset, spec -> spec
          .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
          .sampling(request -> {
            sampled.add(((McpSchema.TextContent) request.messages().get(0).content()).text());
            meet();
            return McpSchema.CreateMessageResult.builder().role(McpSchema.Role.ASSISTANT)
                .content(new McpSchema.TextContent(who + " answers")).model(who + "-model").build();
          })
          .elicitation(request -> {
            elicited.add(request.message());
            meet();
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", who));
          }));
    }

    private void meet() {
      Rendezvous.meet(together);
    }
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  private static CompletableFuture<String> callAsync(McpSyncClient client, String tool, Map<String, Object> args) {
    return CompletableFuture.supplyAsync(() -> text(client.callTool(new McpSchema.CallToolRequest(tool, args))));
  }

  private static void concurrentCallsAreAnsweredByTheirOwnCallers(Preset preset, String prefix) throws Exception {
    CountDownLatch together = new CountDownLatch(2);
    Asked a = new Asked("alice", together);
    Asked b = new Asked("bob", together);
    try (McpSyncClient alice = a.connect(preset); McpSyncClient bob = b.connect(preset)) {
      var fromAlice = callAsync(alice, "sample", Map.of("prompt", "alice's prompt"));
      var fromBob = callAsync(bob, "sample", Map.of("prompt", "bob's prompt"));
      assertThat(fromAlice.get(60, TimeUnit.SECONDS)).isEqualTo(prefix + "sampled: alice answers by alice-model");
      assertThat(fromBob.get(60, TimeUnit.SECONDS)).isEqualTo(prefix + "sampled: bob answers by bob-model");
      assertThat(a.sampled).containsExactly("alice's prompt");
      assertThat(b.sampled).containsExactly("bob's prompt");

      CountDownLatch again = new CountDownLatch(2);
      Asked a2 = new Asked("alice", again);
      Asked b2 = new Asked("bob", again);
      try (McpSyncClient alice2 = a2.connect(preset); McpSyncClient bob2 = b2.connect(preset)) {
        var formAlice = callAsync(alice2, "elicit", Map.of("message", "alice, your name?"));
        var formBob = callAsync(bob2, "elicit", Map.of("message", "bob, your name?"));
        assertThat(formAlice.get(60, TimeUnit.SECONDS)).isEqualTo(prefix + "elicited: accept {name=alice}");
        assertThat(formBob.get(60, TimeUnit.SECONDS)).isEqualTo(prefix + "elicited: accept {name=bob}");
        assertThat(a2.elicited).containsExactly("alice, your name?");
        assertThat(b2.elicited).containsExactly("bob, your name?");
        assertThat(a2.sampled).isEmpty();
        assertThat(b2.sampled).isEmpty();
      }
    }
  }

  @Test
  void sampling_and_elicitation_during_a_call_are_answered_by_the_caller_and_no_one_else() throws Exception {
    concurrentCallsAreAnsweredByTheirOwnCallers(httpPreset, "asker:");
  }

  @Test
  void over_stdio_too_each_caller_answers_only_what_its_own_call_raised() throws Exception {
    concurrentCallsAreAnsweredByTheirOwnCallers(stdioPreset, "stdio-asker:");
  }

  @Test
  void over_legacy_sse_too_each_caller_answers_only_what_its_own_call_raised() throws Exception {
    concurrentCallsAreAnsweredByTheirOwnCallers(legacyPreset, "legacy-asker:");
  }

  @Test
  void log_messages_of_stdio_and_legacy_sse_calls_reach_the_caller() {
    for (Preset preset : List.of(stdioPreset, legacyPreset)) {
      List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
      try (McpSyncClient client = client(preset, spec -> spec.loggingConsumer(logs::add))) {
        client.callTool(McpSchema.CallToolRequest.builder().name("progress").arguments(Map.of("steps", 1))
            .progressToken("t").build());
        assertThat(logs).extracting(l -> String.valueOf(l.data())).as(preset.slug()).contains("starting 1 steps");
      }
    }
  }

  @Test
  void a_client_that_declared_no_client_features_is_never_asked_and_the_upstream_is_not_told_it_could_be() {
    try (McpSyncClient plain = client(httpPreset, spec -> spec)) {
      McpSchema.CallToolResult result = plain.callTool(new McpSchema.CallToolRequest("sample", Map.of("prompt", "p")));
      assertThat(result.isError()).isTrue();
      assertThat(text(result)).startsWith("could not ask the client");
      assertThat(text(plain.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "still fine")))))
          .isEqualTo("asker:echo: still fine");
    }
  }

  @Test
  void url_mode_elicitation_reaches_a_client_that_declared_it_and_not_one_that_declared_form_only() {
    List<McpSchema.ElicitUrlRequest> seen = new CopyOnWriteArrayList<>();
    try (McpSyncClient both = client(httpPreset, spec -> spec
            .capabilities(McpSchema.ClientCapabilities.builder().elicitation(true, true).build())
            .elicitation(r -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null))
            .urlElicitation(r -> {
              seen.add(r);
              return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, null);
            }));
        McpSyncClient formOnly = client(httpPreset, spec -> spec
            .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
            .elicitation(r -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null)))) {
      assertThat(text(both.callTool(new McpSchema.CallToolRequest("elicit_url", Map.of("url", "https://example.com/connect")))))
          .isEqualTo("asker:url: accept");
      assertThat(seen).singleElement().satisfies(r -> {
        assertThat(r.url()).isEqualTo("https://example.com/connect");
        assertThat(r.elicitationId()).isEqualTo("elicitation-1");
      });
      McpSchema.CallToolResult refused = formOnly.callTool(
          new McpSchema.CallToolRequest("elicit_url", Map.of("url", "https://example.com/connect")));
      assertThat(refused.isError()).isTrue();
      assertThat(seen).hasSize(1);
    }
  }

  @Test
  void roots_list_reaches_the_caller_and_its_roots_list_changed_reaches_the_upstream() throws Exception {
    try (McpSyncClient alice = client(httpPreset, spec -> spec
            .capabilities(McpSchema.ClientCapabilities.builder().roots(true).build())
            .roots(new McpSchema.Root("file:///home/alice", "alice")));
        McpSyncClient bob = client(httpPreset, spec -> spec
            .capabilities(McpSchema.ClientCapabilities.builder().roots(true).build())
            .roots(new McpSchema.Root("file:///home/bob", "bob")))) {
      var fromAlice = callAsync(alice, "roots", Map.of());
      var fromBob = callAsync(bob, "roots", Map.of());
      assertThat(fromAlice.get(60, TimeUnit.SECONDS)).isEqualTo("asker:roots: file:///home/alice");
      assertThat(fromBob.get(60, TimeUnit.SECONDS)).isEqualTo("asker:roots: file:///home/bob");
      alice.addRoot(new McpSchema.Root("file:///work/alice", "work"));
      Eventually.await("notifications/roots/list_changed to reach the upstream", Duration.ofSeconds(10),
          () -> asker.received("notifications/roots/list_changed"));
      assertThat(text(alice.callTool(new McpSchema.CallToolRequest("roots", Map.of()))))
          .isEqualTo("asker:roots: file:///home/alice,file:///work/alice");
    }
  }

  @Test
  void on_the_wire_the_request_rides_the_calls_sse_stream_under_the_gateways_id_and_the_answer_is_a_post() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    java.net.URI mcp = java.net.URI.create(gw.base() + "/mcp/" + httpPreset.slug());
    java.util.function.Function<JsonObject, java.net.http.HttpRequest.Builder> post = body -> java.net.http.HttpRequest
        .newBuilder(mcp).header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()));
    var init = http.send(post.apply(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("clientInfo", new JsonObject()
            .put("name", "wire").put("version", "1")).put("capabilities", new JsonObject().put("sampling", new JsonObject()))))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    http.send(post.apply(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"))
        .header("Mcp-Session-Id", session).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
    var call = http.send(post.apply(new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call")
            .put("params", new JsonObject().put("name", "sample").put("arguments", new JsonObject().put("prompt", "wire"))))
        .header("Mcp-Session-Id", session).build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(call.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    // The stream's priming event (an id, empty data) carries no message.
    var events = call.body().filter(l -> l.startsWith("data: ") && !l.substring(6).isBlank())
        .map(l -> new JsonObject(l.substring(6))).iterator();
    JsonObject asked = events.next();
    assertThat(asked.getString("method")).isEqualTo("sampling/createMessage");
    Object gatewayId = asked.getValue("id");
    assertThat(gatewayId).isInstanceOf(String.class);
    var answered = http.send(post.apply(new JsonObject().put("jsonrpc", "2.0").put("id", gatewayId).put("result", new JsonObject()
            .put("role", "assistant").put("content", new JsonObject().put("type", "text").put("text", "wire answer"))
            .put("model", "wire-model")))
        .header("Mcp-Session-Id", session).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(answered.statusCode()).isEqualTo(202);
    JsonObject result = events.next();
    assertThat(result.getValue("id")).isEqualTo(2);
    assertThat(result.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
        .isEqualTo("asker:sampled: wire answer by wire-model");
    // The upstream got the answer under its own request id, not the gateway's downstream one.
    assertThat(asker.seen()).filteredOn(r -> r.body().contains("wire-model")).singleElement()
        .satisfies(r -> assertThat(new JsonObject(r.body()).getValue("id")).isNotEqualTo(gatewayId));
  }
}
