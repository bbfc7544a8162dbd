package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 13 item 8: a linked server that goes away never stalls the preset's other servers. */
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
}
