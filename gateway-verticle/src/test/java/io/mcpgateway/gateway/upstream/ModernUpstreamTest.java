package io.mcpgateway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.OnContext;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.StdioFixtureMain;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream client against a real 2026-07-28 server (TypeScript SDK v2) and a real 2025 one (Java SDK): the
 * server/discover probe picks the era (over Streamable HTTP and over stdio), a modern server gets no session and
 * _meta on every request, and its input_required results come back as they are, with the follow-up answered.
 */
class ModernUpstreamTest {
  private static ModernFixtureServer modern;
  private Vertx vertx;
  private Context context;
  private UpstreamPool pool;

  @BeforeAll
  static void fixture() {
    modern = ModernFixtureServer.start("m");
  }

  @AfterAll
  static void stopFixture() {
    modern.close();
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    pool = OnContext.call(context, () -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(5),
        Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500))));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static final CallRelay NONE = CallRelay.notificationsOnly(n -> { });

  private <T> T await(Callable<Future<T>> op) {
    return OnContext.await(context, op);
  }

  private static UpstreamServer server(String url) {
    return new UpstreamServer(UUID.randomUUID(), "srv-" + UUID.randomUUID().toString().substring(0, 6), "s", null,
        Transport.STREAMABLE_HTTP, url, null, List.of(), new UpstreamSecrets(Map.of(), Map.of()), UUID.randomUUID(),
        ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
  }

  private static UpstreamServer stdio(List<String> command) {
    return new UpstreamServer(UUID.randomUUID(), "srv-" + UUID.randomUUID().toString().substring(0, 6), "s", null,
        Transport.STDIO, null, command.get(0), command.subList(1, command.size()), new UpstreamSecrets(Map.of(), Map.of()),
        UUID.randomUUID(), ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
  }

  /** A bare connection over stdio, started as the pool starts one (probe first), to read the era it learned. */
  private McpClientConnection stdioConnection(List<String> command) {
    McpClientConnection c = OnContext.call(context, () -> new McpClientConnection(vertx, "probe",
        new StdioTransport(vertx, "probe", command.get(0), command.subList(1, command.size()), Map.of(),
            UpstreamLimits.defaults())));
    return await(() -> c.start(Duration.ofSeconds(30)));
  }

  private static String text(JsonObject result) {
    return result.getJsonArray("content").getJsonObject(0).getString("text");
  }

  @Test
  void a_modern_server_is_listed_and_called_without_a_handshake() {
    UpstreamServer s = server(modern.url());
    List<JsonObject> tools = await(() -> pool.listTools(s));
    assertThat(tools).extracting(t -> t.getString("name")).contains("m_echo", "m_confirm");
    JsonObject result = await(() -> pool.callTool(s, "m_echo", new JsonObject().put("text", "hi"), null, n -> { }).result());
    assertThat(text(result)).isEqualTo("m: hi");
    assertThat(result.getString("resultType")).isEqualTo("complete");
  }

  @Test
  void an_input_required_result_passes_through_and_the_follow_up_with_input_responses_completes() {
    UpstreamServer s = server(modern.url());
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/clientCapabilities",
        new JsonObject().put("elicitation", new JsonObject()));
    JsonObject first = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "m_confirm")
        .put("arguments", new JsonObject().put("what", "deploy")).put("_meta", meta), null, NONE).result());
    assertThat(first.getString("resultType")).isEqualTo("input_required");
    assertThat(first.getJsonObject("inputRequests").getJsonObject("confirm").getString("method")).isEqualTo("elicitation/create");

    JsonObject second = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "m_confirm")
        .put("arguments", new JsonObject().put("what", "deploy")).put("_meta", meta)
        .put("inputResponses", new JsonObject().put("confirm", new JsonObject().put("action", "accept")
            .put("content", new JsonObject().put("ok", true)))), null, NONE).result());
    assertThat(text(second)).isEqualTo("confirm deploy: accept {\"ok\":true}");
  }

  @Test
  void request_state_travels_in_the_follow_up() {
    UpstreamServer s = server(modern.url());
    JsonObject first = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "m_stateful"), null, NONE).result());
    assertThat(first.getString("requestState")).isEqualTo("round-1");
    JsonObject second = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "m_stateful")
        .put("requestState", first.getString("requestState")), null, NONE).result());
    assertThat(text(second)).isEqualTo("resumed from round-1");
  }

  @Test
  void a_legacy_server_answers_the_probe_with_an_error_and_is_initialized() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("legacy")) {
      UpstreamServer s = server(up.url());
      JsonObject result = await(() -> pool.callTool(s, "echo", new JsonObject().put("text", "a"), null, n -> { }).result());
      assertThat(text(result)).isEqualTo("legacy:echo: a");
      assertThat(up.seen()).extracting(HttpFixtureServer.Seen::jsonRpcMethod).contains("server/discover", "initialize");
      // the era is remembered: a second connection (after eviction) is not probed again
      long probes = up.seen().stream().filter(r -> "server/discover".equals(r.jsonRpcMethod())).count();
      await(() -> pool.callTool(s, "echo", new JsonObject().put("text", "b"), null, n -> { }).result());
      assertThat(up.seen().stream().filter(r -> "server/discover".equals(r.jsonRpcMethod())).count()).isEqualTo(probes);
    }
  }

  @Test
  void a_modern_stdio_server_answers_the_probe_and_is_served_without_a_handshake() {
    McpClientConnection probed = stdioConnection(ModernFixtureServer.stdioCommand("sm"));
    try {
      assertThat(probed.era()).isEqualTo(McpClientConnection.Era.MODERN);
      assertThat(probed.protocolVersion()).isEqualTo("2026-07-28");
    } finally {
      await(probed::close);
    }
    UpstreamServer s = stdio(ModernFixtureServer.stdioCommand("sm"));
    JsonObject echoed = await(() -> pool.callTool(s, "sm_echo", new JsonObject().put("text", "hi"), null, n -> { }).result());
    assertThat(text(echoed)).isEqualTo("sm: hi");
    assertThat(echoed.getString("resultType")).isEqualTo("complete");
    // Served as a 2025 session, the SDK would have turned this into an elicitation/create request to the gateway
    // (refused on a shared connection); served modern, the input_required result comes back as it is.
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/clientCapabilities",
        new JsonObject().put("elicitation", new JsonObject()));
    JsonObject asked = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "sm_confirm")
        .put("arguments", new JsonObject().put("what", "ship")).put("_meta", meta), null, NONE).result());
    assertThat(asked.getString("resultType")).isEqualTo("input_required");
    JsonObject done = await(() -> pool.call(s, "tools/call", new JsonObject().put("name", "sm_confirm")
        .put("arguments", new JsonObject().put("what", "ship")).put("_meta", meta)
        .put("inputResponses", new JsonObject().put("confirm", new JsonObject().put("action", "accept")
            .put("content", new JsonObject().put("ok", true)))), null, NONE).result());
    assertThat(text(done)).isEqualTo("confirm ship: accept {\"ok\":true}");
  }

  @Test
  void a_legacy_stdio_server_refuses_the_probe_and_is_initialized() {
    McpClientConnection probed = stdioConnection(StdioFixtureMain.command("sl"));
    try {
      assertThat(probed.era()).isEqualTo(McpClientConnection.Era.LEGACY);
      assertThat(probed.protocolVersion()).isEqualTo("2025-11-25");
    } finally {
      await(probed::close);
    }
    UpstreamServer s = stdio(StdioFixtureMain.command("sl"));
    JsonObject result = await(() -> pool.callTool(s, "echo", new JsonObject().put("text", "a"), null, n -> { }).result());
    assertThat(text(result)).isEqualTo("sl:echo: a");
  }

  @Test
  void cancelling_a_call_to_a_modern_stdio_server_sends_it_notifications_cancelled() {
    UpstreamServer s = stdio(ModernFixtureServer.stdioCommand("sc"));
    assertThat(text(await(() -> pool.callTool(s, "sc_cancelled", new JsonObject(), null, n -> { }).result()))).isEqualTo("0");
    // Cancelled once the server is at work on it (its log message says so).
    var slow = new java.util.concurrent.atomic.AtomicReference<UpstreamCall>();
    OnContext.call(context, () -> {
      slow.set(pool.callTool(s, "sc_slow", new JsonObject().put("ms", 20_000),
          new JsonObject().put("io.modelcontextprotocol/logLevel", "info"), n -> slow.get().cancel("the caller went away")));
      return null;
    });
    // stdio has no per-request stream to close (stdio §Cancellation): the server hears it as notifications/cancelled.
    io.mcpgateway.testing.Eventually.await("the server to see the call cancelled", Duration.ofSeconds(10), () -> "1".equals(
        text(await(() -> pool.callTool(s, "sc_cancelled", new JsonObject(), null, n -> { }).result()))));
  }
}
