package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HostileUpstream;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 13 item 8: a linked server that goes away, or hangs, never stalls the preset's other servers. */
class DegradedUpstreamTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer healthy;
  private static HttpFixtureServer flaky;
  private static UpstreamServer healthyServer;
  private static UpstreamServer flakyServer;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("degraded", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000"));
    healthy = HttpFixtureServer.streamable("healthy", json -> List.of(FixtureTools.tool(json, "hello", "Says hello",
        "{\"type\":\"object\",\"properties\":{}}", (ex, req) -> FixtureTools.text("hello"))));
    flaky = HttpFixtureServer.streamable("flaky", json -> List.of(FixtureTools.tool(json, "flaky_tool", "Sometimes there",
        "{\"type\":\"object\",\"properties\":{}}", (ex, req) -> FixtureTools.text("flaky"))));
    healthyServer = gw.httpServer(GatewayHarness.slug("healthy"), healthy.url(), Map.of());
    flakyServer = gw.httpServer(GatewayHarness.slug("flaky"), flaky.url(), Map.of());
    preset = gw.preset(GatewayHarness.slug("deg"), Visibility.PUBLIC);
    gw.link(preset, healthyServer, List.of());
    gw.link(preset, flakyServer, List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    healthy.close();
    flaky.close();
  }

  @Test
  void a_server_that_went_away_keeps_its_last_listing_and_the_healthy_one_answers_at_once() {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + preset.slug()).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("flaky_tool", "hello");
      flaky.stop();
      // The healthy server changes its list, so the preset's catalog is rebuilt while flaky is gone.
      healthy.addTool(FixtureTools.tool(healthy.json(), "hello_again", "Says hello again",
          "{\"type\":\"object\",\"properties\":{}}", (ex, req) -> FixtureTools.text("hello again")));
      Eventually.await("the healthy server's new tool", Duration.ofSeconds(10),
          () -> client.listTools().tools().stream().anyMatch(t -> t.name().equals("hello_again")));
      for (int i = 0; i < 5; i++) {
        long started = System.nanoTime();
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
            .containsExactly("flaky_tool", "hello", "hello_again");
        assertThat(((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("hello", Map.of()))
            .content().get(0)).text()).isEqualTo("hello");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      }
      // The gone server's tool is still listed; calling it says which server is down instead of waiting.
      assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("flaky_tool", Map.of())))
          .hasMessageContaining(flakyServer.slug());
    } finally {
      flaky.restart();
    }
  }

  /**
   * A server that accepts connections and never answers (not one that is down: nothing fails fast, every request
   * to it just waits) costs the healthy server's callers nothing; when it answers again and says its list changed,
   * the new list reaches the clients as {@code list_changed}. The time bounds are behaviour bounds (far under the
   * 5 s tool-call and 10 s catalog timeouts the stuck server's requests wait out), not performance figures.
   */
  @Test
  void a_server_that_hangs_never_delays_the_healthy_ones_and_its_list_comes_back_when_it_answers() {
    HostileUpstream stuck = HostileUpstream.start(gw.vertx);
    HttpFixtureServer steady = HttpFixtureServer.streamable("steady", json -> List.of(FixtureTools.tool(json, "hi",
        "Says hi", "{\"type\":\"object\",\"properties\":{}}", (ex, req) -> FixtureTools.text("hi"))));
    Preset mixed = gw.preset(GatewayHarness.slug("hang"), Visibility.PUBLIC);
    gw.link(mixed, gw.httpServer(GatewayHarness.slug("steady"), steady.url(), Map.of()), List.of());
    gw.link(mixed, gw.httpServer(GatewayHarness.slug("stuck"), stuck.url("hangs"), Map.of()), List.of());
    List<List<String>> changes = new CopyOnWriteArrayList<>();
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + mixed.slug())
        .openConnectionOnStartup(true).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
        .toolsChangeConsumer(tools -> changes.add(tools.stream().map(McpSchema.Tool::name).toList())).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("echo", "hi");

      stuck.hang(true);
      // A call to the stuck server waits (until the tool-call timeout); the healthy one's callers must not.
      CompletableFuture<Object> stuckCall = CompletableFuture.supplyAsync(() -> {
        try {
          return client.callTool(new McpSchema.CallToolRequest("echo", Map.of()));
        } catch (RuntimeException e) {
          return e;
        }
      });
      Eventually.await("the call held by the stuck server", Duration.ofSeconds(10), () -> stuck.count("held tools/call") == 1);
      // The healthy server changes its list: the catalog is rebuilt while the stuck server hangs.
      steady.addTool(FixtureTools.tool(steady.json(), "hi_again", "Says hi again",
          "{\"type\":\"object\",\"properties\":{}}", (ex, req) -> FixtureTools.text("hi again")));
      Eventually.await("the healthy server's new tool", Duration.ofSeconds(10),
          () -> client.listTools().tools().stream().anyMatch(t -> t.name().equals("hi_again")));
      for (int i = 0; i < 5; i++) {
        long started = System.nanoTime();
        assertThat(client.listTools().tools()).as("the stuck server's last good list stays listed")
            .extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("echo", "hi", "hi_again");
        assertThat(((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("hi", Map.of()))
            .content().get(0)).text()).isEqualTo("hi");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("tools/list + a call to the healthy server")
            .isLessThan(Duration.ofSeconds(3));
      }
      // The stuck call itself is bounded: it ends at the tool-call timeout (5 s here) naming the server.
      assertThat(stuckCall.join()).isInstanceOf(RuntimeException.class).asString()
          .contains("did not answer tools/call").contains("stuck-");

      // The stuck server says its list changed (the gateway's tools/list to it is held too), then answers at last.
      int changesBefore = changes.size();
      stuck.toolNames("echo", "echo_back");
      Eventually.await("the gateway asking the stuck server for its new list", Duration.ofSeconds(10),
          () -> stuck.count("held tools/list") >= 1);
      stuck.hang(false);
      Eventually.await("list_changed with the stuck server's new tool", Duration.ofSeconds(20),
          () -> changes.stream().skip(changesBefore).anyMatch(names -> names.contains("echo_back")));
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
          .containsExactlyInAnyOrder("echo", "echo_back", "hi", "hi_again");
    } finally {
      stuck.hang(false);
      stuck.close();
      steady.close();
    }
  }
}
