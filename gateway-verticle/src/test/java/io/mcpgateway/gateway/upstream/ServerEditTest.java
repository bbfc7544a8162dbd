package io.mcpgateway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.OnContext;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Editing a server under load: only what the connection uses replaces it, and the old one drains its calls. */
class ServerEditTest {
  private Vertx vertx;
  private Context context;
  private UpstreamPool pool;
  private HttpFixtureServer up;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    pool = OnContext.call(context, () -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(10),
        Duration.ofSeconds(10), 5, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(500)), null));
    up = HttpFixtureServer.streamable("edited");
  }

  @AfterEach
  void stop() {
    up.close();
    vertx.close().await();
  }

  private UpstreamServer server(String name, String description, Map<String, String> headers, Instant updatedAt) {
    return new UpstreamServer(new java.util.UUID(7, 7), "edited", name, description, Transport.STREAMABLE_HTTP, up.url(),
        null, List.of(), new UpstreamSecrets(headers, Map.of()), new java.util.UUID(1, 1), ServerStatus.ACTIVE,
        Optional.empty(), Instant.EPOCH, updatedAt);
  }

  private long initializes() {
    return up.seen().stream().filter(r -> "initialize".equals(r.jsonRpcMethod())).count();
  }

  private Future<JsonObject> slowCall(UpstreamServer s) {
    return OnContext.call(context, () -> pool.callTool(s, "slow", new JsonObject().put("ms", 1500), null, n -> { }).result());
  }

  private void awaitSlowCallUpstream() {
    Eventually.await("the slow call to reach the upstream", Duration.ofSeconds(5), () -> up.seen().stream()
        .anyMatch(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));
  }

  @Test
  void a_new_name_or_description_keeps_the_connection_and_the_calls_in_flight() {
    UpstreamServer before = server("Before", "old", Map.of("X-Key", "k"), Instant.EPOCH);
    OnContext.await(context, () -> pool.listTools(before));
    Future<JsonObject> inFlight = slowCall(before);
    awaitSlowCallUpstream();
    UpstreamServer renamed = server("After", "new words", Map.of("X-Key", "k"), Instant.EPOCH.plusSeconds(60));
    // A caller reading the edited record, and the change event, both reach the pool while the slow call runs.
    JsonObject echo = OnContext.await(context, () -> pool.callTool(renamed, "echo", new JsonObject().put("text", "hi"),
        null, n -> { }).result());
    OnContext.await(context, () -> pool.changed(renamed));
    assertThat(echo.encode()).contains("edited:echo: hi");
    assertThat(inFlight.await().encode()).contains("slept");
    assertThat(initializes()).isEqualTo(1);
  }

  @Test
  void new_credentials_replace_the_connection_after_its_calls_are_answered() {
    UpstreamServer before = server("S", null, Map.of("X-Key", "old"), Instant.EPOCH);
    OnContext.await(context, () -> pool.listTools(before));
    Future<JsonObject> inFlight = slowCall(before);
    awaitSlowCallUpstream();
    UpstreamServer after = server("S", null, Map.of("X-Key", "new"), Instant.EPOCH.plusSeconds(60));
    OnContext.await(context, () -> pool.changed(after));
    JsonObject echo = OnContext.await(context, () -> pool.callTool(after, "echo", new JsonObject().put("text", "x"),
        null, n -> { }).result());
    assertThat(echo.encode()).contains("edited:echo: x");
    assertThat(inFlight.await().encode()).as("the call on the old connection").contains("slept");
    assertThat(initializes()).isEqualTo(2);
    assertThat(up.seen()).filteredOn(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"echo\""))
        .allSatisfy(r -> assertThat(r.headers().get("X-Key")).isEqualTo("new"));
  }
}
