package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureFeatures;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests other than tools/call forwarded the same way (prompts/get, resources/read): an SDK upstream whose
 * prompt asks an elicitation and whose resource asks for sampling, answered by the client that made the request
 * and no one else (official Java SDK on both sides), with log messages and cancellation as for tools; and a
 * 2026-era upstream's {@code input_required} prompt, passed to a 2026 client and bridged for a 2025 one.
 */
class ForwardedRequestsEndToEndTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer asker;
  private static ModernFixtureServer modern;
  private static Preset preset;
  private static Preset modernPreset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("forwarded", new JsonObject().put("MGW_TOOL_CALL_TIMEOUT", "30s"));
    asker = HttpFixtureServer.withFeatures("asker", json -> new FixtureFeatures(List.of(),
        List.of(new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://sampled").name("sampled")
            .mimeType("text/plain").build(), (ex, req) -> {
              McpSchema.CreateMessageResult answer = ex.createMessage(McpSchema.CreateMessageRequest.builder()
                  .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER, new McpSchema.TextContent("summarize"))))
                  .maxTokens(20).build());
              return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(req.uri(), "text/plain",
                  "sampled: " + ((McpSchema.TextContent) answer.content()).text())));
            })),
        List.of(),
        List.of(new SyncPromptSpecification(new McpSchema.Prompt("greeting", "Asks whom to greet", List.of()), (ex, req) -> {
              ex.loggingNotification(McpSchema.LoggingMessageNotification.builder().level(McpSchema.LoggingLevel.INFO)
                  .logger("asker").data("asking for a name").build());
              if (req.meta() != null && req.meta().get("progressToken") != null) {
                ex.progressNotification(new McpSchema.ProgressNotification(req.meta().get("progressToken"), 1.0, 2.0, "asking"));
              }
              McpSchema.ElicitResult answer = ex.createElicitation(McpSchema.ElicitFormRequest.builder("Whom to greet?",
                  Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")))).build());
              return new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER,
                  new McpSchema.TextContent("Hello " + answer.content().get("name")))));
            }),
            new SyncPromptSpecification(new McpSchema.Prompt("slow", "Takes its time", List.of()), (ex, req) -> {
              try {
                Thread.sleep(4000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new McpSchema.GetPromptResult(null, List.of());
            })),
        List.of(), null));
    modern = ModernFixtureServer.start("conformance-fixture.mjs", "conformance");
    preset = gw.preset(GatewayHarness.slug("forwarded"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("asker"), asker.url(), Map.of()), List.of());
    modernPreset = gw.preset(GatewayHarness.slug("mrtr"), Visibility.PUBLIC);
    gw.link(modernPreset, gw.httpServer(GatewayHarness.slug("modern"), modern.url(), Map.of()), List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    asker.close();
    modern.close();
  }

  /** A client answering sampling and elicitation as {@code who}, each handler waiting (bounded) for the other client. */
  private static final class Asked {
    final String who;
    final CountDownLatch together;
    final List<String> asked = new CopyOnWriteArrayList<>();
    final List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
    final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();

    Asked(String who, CountDownLatch together) {
      this.who = who;
      this.together = together;
    }

    McpSyncClient connect(Preset p) {
      var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + p.slug()).build();
      McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
          .capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
          .loggingConsumer(logs::add)
          .progressConsumer(progress::add)
          .sampling(request -> {
            asked.add("sampling");
            meet();
            return McpSchema.CreateMessageResult.builder().role(McpSchema.Role.ASSISTANT)
                .content(new McpSchema.TextContent(who + "'s summary")).model(who + "-model").build();
          })
          .elicitation(request -> {
            asked.add("elicitation: " + request.message());
            meet();
            return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", who, "context", who));
          }).build();
      client.initialize();
      return client;
    }

    private void meet() {
      Rendezvous.meet(together);
    }
  }

  private static String text(McpSchema.GetPromptResult result) {
    return ((McpSchema.TextContent) result.messages().get(0).content()).text();
  }

  @Test
  void an_elicitation_raised_during_prompts_get_is_answered_by_the_caller_and_no_one_else() throws Exception {
    CountDownLatch together = new CountDownLatch(2);
    Asked a = new Asked("alice", together);
    Asked b = new Asked("bob", together);
    try (McpSyncClient alice = a.connect(preset); McpSyncClient bob = b.connect(preset)) {
      var fromAlice = CompletableFuture.supplyAsync(() -> text(alice.getPrompt(new McpSchema.GetPromptRequest("greeting", Map.of(),
          Map.of("progressToken", "alice-progress")))));
      var fromBob = CompletableFuture.supplyAsync(() -> text(bob.getPrompt(new McpSchema.GetPromptRequest("greeting", Map.of()))));
      assertThat(fromAlice.get(60, TimeUnit.SECONDS)).isEqualTo("Hello alice");
      assertThat(fromBob.get(60, TimeUnit.SECONDS)).isEqualTo("Hello bob");
      assertThat(a.asked).containsExactly("elicitation: Whom to greet?");
      assertThat(b.asked).containsExactly("elicitation: Whom to greet?");
      // the upstream's log message and progress about the request reached its caller too, under its own token
      assertThat(a.logs).extracting(l -> String.valueOf(l.data())).contains("asking for a name");
      assertThat(a.progress).extracting(McpSchema.ProgressNotification::progressToken).containsExactly("alice-progress");
      assertThat(b.progress).isEmpty();
    }
  }

  @Test
  void sampling_raised_during_resources_read_is_answered_by_the_caller_and_no_one_else() throws Exception {
    CountDownLatch together = new CountDownLatch(2);
    Asked a = new Asked("alice", together);
    Asked b = new Asked("bob", together);
    try (McpSyncClient alice = a.connect(preset); McpSyncClient bob = b.connect(preset)) {
      var read = new McpSchema.ReadResourceRequest("test://sampled");
      var fromAlice = CompletableFuture.supplyAsync(() -> alice.readResource(read));
      var fromBob = CompletableFuture.supplyAsync(() -> bob.readResource(read));
      assertThat(((McpSchema.TextResourceContents) fromAlice.get(60, TimeUnit.SECONDS).contents().get(0)).text())
          .isEqualTo("sampled: alice's summary");
      assertThat(((McpSchema.TextResourceContents) fromBob.get(60, TimeUnit.SECONDS).contents().get(0)).text())
          .isEqualTo("sampled: bob's summary");
      assertThat(a.asked).containsExactly("sampling");
      assertThat(b.asked).containsExactly("sampling");
    }
  }

  @Test
  void a_client_cancelling_prompts_get_cancels_it_upstream() {
    WebClient web = WebClient.create(gw.vertx);
    String path = "/mcp/" + preset.slug();
    HttpResponse<Buffer> init = web.post(gw.port(), "127.0.0.1", path).putHeader("Accept", "application/json, text/event-stream")
        .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize").put("params",
            new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
                .put("clientInfo", new JsonObject().put("name", "raw").put("version", "1")))).await();
    String session = init.getHeader("Mcp-Session-Id");
    var pending = web.post(gw.port(), "127.0.0.1", path).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Mcp-Session-Id", session).sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 7)
            .put("method", "prompts/get").put("params", new JsonObject().put("name", "slow")));
    Eventually.await("prompts/get to reach the upstream", Duration.ofSeconds(10), () -> asker.seen().stream()
        .anyMatch(r -> "prompts/get".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));
    HttpResponse<Buffer> cancel = web.post(gw.port(), "127.0.0.1", path).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Mcp-Session-Id", session).sendJsonObject(new JsonObject().put("jsonrpc", "2.0")
            .put("method", "notifications/cancelled").put("params", new JsonObject().put("requestId", 7)
                .put("reason", "the user gave up"))).await();
    assertThat(cancel.statusCode()).isEqualTo(202);
    Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(10), () -> asker.seen().stream()
        .anyMatch(r -> "notifications/cancelled".equals(r.jsonRpcMethod()) && r.body().contains("the user gave up")));
    pending.await();
  }

  @Test
  void a_2026_upstreams_input_required_prompt_is_bridged_for_a_2025_client() {
    Asked a = new Asked("alice", new CountDownLatch(1));
    try (McpSyncClient alice = a.connect(modernPreset)) {
      var result = alice.getPrompt(new McpSchema.GetPromptRequest("test_input_required_result_prompt", Map.of()));
      assertThat(text(result)).isEqualTo("Context: alice");
      assertThat(a.asked).containsExactly("elicitation: What context should the prompt use?");
    }
  }

  @Test
  void a_2026_upstreams_input_required_prompt_reaches_a_2026_client_intact_and_its_retry_completes_upstream() {
    WebClient web = WebClient.create(gw.vertx);
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
        .put("io.modelcontextprotocol/clientInfo", new JsonObject().put("name", "raw").put("version", "1"))
        .put("io.modelcontextprotocol/clientCapabilities", new JsonObject().put("elicitation", new JsonObject()));
    java.util.function.Function<JsonObject, JsonObject> get = params -> {
      HttpResponse<Buffer> r = web.post(gw.port(), "127.0.0.1", "/mcp/" + modernPreset.slug())
          .putHeader("Accept", "application/json, text/event-stream").putHeader("MCP-Protocol-Version", "2026-07-28")
          .putHeader("Mcp-Method", "prompts/get").putHeader("Mcp-Name", "test_input_required_result_prompt")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", "p1").put("method", "prompts/get")
              .put("params", params.put("name", "test_input_required_result_prompt").put("_meta", meta))).await();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      String body = r.bodyAsString();
      String json = body.startsWith("{") ? body : body.lines().filter(l -> l.startsWith("data: ")).reduce((x, y) -> y)
          .orElseThrow().substring(6);
      return new JsonObject(json).getJsonObject("result");
    };
    JsonObject first = get.apply(new JsonObject());
    assertThat(first.getString("resultType")).isEqualTo("input_required");
    assertThat(first.getJsonObject("inputRequests").getJsonObject("user_context").getString("method"))
        .isEqualTo("elicitation/create");
    JsonObject retry = new JsonObject().put("inputResponses", new JsonObject().put("user_context",
        new JsonObject().put("action", "accept").put("content", new JsonObject().put("context", "retried"))));
    if (first.getValue("requestState") != null) {
      retry.put("requestState", first.getValue("requestState"));
    }
    JsonObject done = get.apply(retry);
    assertThat(done.getString("resultType")).isEqualTo("complete");
    assertThat(done.getJsonArray("messages").getJsonObject(0).getJsonObject("content").getString("text"))
        .isEqualTo("Context: retried");
  }

  /** One 2026-07-28 request to the preset joining the 2025-era asker; the result (the last SSE message or the JSON). */
  private static JsonObject modern(String method, String name, JsonObject params) {
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
        .put("io.modelcontextprotocol/clientCapabilities", new JsonObject().put("elicitation", new JsonObject())
            .put("sampling", new JsonObject()));
    HttpResponse<Buffer> r = WebClient.create(gw.vertx).post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream").putHeader("MCP-Protocol-Version", "2026-07-28")
        .putHeader("Mcp-Method", method).putHeader("Mcp-Name", name)
        .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", "m1").put("method", method)
            .put("params", params.put("_meta", meta))).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String body = r.bodyAsString();
    String json = body.startsWith("{") ? body : body.lines().filter(l -> l.startsWith("data: ")).reduce((x, y) -> y)
        .orElseThrow().substring(6);
    JsonObject response = new JsonObject(json);
    assertThat(response.getValue("error")).as(json).isNull();
    return response.getJsonObject("result");
  }

  private static JsonObject answering(JsonObject inputRequired, JsonObject answer) {
    assertThat(inputRequired.getString("resultType")).as(inputRequired.encode()).isEqualTo("input_required");
    String key = inputRequired.getJsonObject("inputRequests").fieldNames().iterator().next();
    return new JsonObject().put("requestState", inputRequired.getString("requestState"))
        .put("inputResponses", new JsonObject().put(key, answer));
  }

  @Test
  void a_2025_upstreams_elicitation_during_prompts_get_and_sampling_during_resources_read_reach_a_2026_client() {
    JsonObject asked = modern("prompts/get", "greeting", new JsonObject().put("name", "greeting"));
    assertThat(asked.getJsonObject("inputRequests").getMap().values().iterator().next().toString())
        .contains("elicitation/create").contains("Whom to greet?");
    JsonObject greeted = modern("prompts/get", "greeting", new JsonObject().put("name", "greeting").mergeIn(answering(asked,
        new JsonObject().put("action", "accept").put("content", new JsonObject().put("name", "Ada")))));
    assertThat(greeted.getString("resultType")).isEqualTo("complete");
    assertThat(greeted.getJsonArray("messages").getJsonObject(0).getJsonObject("content").getString("text"))
        .isEqualTo("Hello Ada");

    JsonObject sampling = modern("resources/read", "test://sampled", new JsonObject().put("uri", "test://sampled"));
    JsonObject read = modern("resources/read", "test://sampled", new JsonObject().put("uri", "test://sampled")
        .mergeIn(answering(sampling, new JsonObject().put("role", "assistant").put("model", "m")
            .put("content", new JsonObject().put("type", "text").put("text", "short")))));
    assertThat(read.getJsonArray("contents").getJsonObject(0).getString("text")).isEqualTo("sampled: short");
    assertThat(read.getJsonArray("contents").getJsonObject(0).getString("uri")).isEqualTo("test://sampled");
    // A prompt's state does not answer a resource read.
    JsonObject again = modern("prompts/get", "greeting", new JsonObject().put("name", "greeting"));
    HttpResponse<Buffer> misplaced = WebClient.create(gw.vertx).post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json").putHeader("MCP-Protocol-Version", "2026-07-28")
        .putHeader("Mcp-Method", "resources/read").putHeader("Mcp-Name", "test://sampled")
        .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", "m2").put("method", "resources/read")
            .put("params", new JsonObject().put("uri", "test://sampled").mergeIn(answering(again, new JsonObject()))
                .put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
                    .put("io.modelcontextprotocol/clientCapabilities", new JsonObject())))).await();
    assertThat(misplaced.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .contains("belongs to another call (prompts/get greeting)");
  }
}
