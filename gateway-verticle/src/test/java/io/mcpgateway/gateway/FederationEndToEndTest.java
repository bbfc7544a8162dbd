package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.StdioFixtureMain;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Java MCP SDK client, through a preset, to a Streamable HTTP upstream and a stdio upstream. */
class FederationEndToEndTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer alpha;
  private static UpstreamServer alphaServer;
  private static UpstreamServer betaServer;
  private static Preset preset;

  @BeforeAll
  static void start() {
    // The outage test polls listTools every 20 ms until an upstream is back; rate limits are not what it tests.
    gw = new GatewayHarness("federation", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000"));
    alpha = HttpFixtureServer.streamable("alpha");
    alphaServer = gw.httpServer(GatewayHarness.slug("alpha"), alpha.url(), Map.of("X-Upstream-Key", "upstream-secret"));
    betaServer = gw.stdioServer(GatewayHarness.slug("beta"), StdioFixtureMain.command("beta"), Map.of("FIXTURE_SECRET", "s3"));
    preset = gw.preset(GatewayHarness.slug("fed"), Visibility.PUBLIC);
    gw.link(preset, alphaServer, List.of("echo", "add", "progress", "fail", "slow"));
    gw.link(preset, betaServer, List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    alpha.close();
  }

  private static McpSyncClient client(List<McpSchema.ProgressNotification> progress,
      List<McpSchema.LoggingMessageNotification> logs, List<List<McpSchema.Tool>> toolChanges, String bearer) {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + preset.slug());
    if (bearer != null) {
      transport.requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer));
    }
    var client = McpClient.sync(transport.build())
        .requestTimeout(Duration.ofSeconds(20))
        .progressConsumer(progress::add)
        .loggingConsumer(logs::add)
        .toolsChangeConsumer(toolChanges::add)
        .build();
    client.initialize();
    return client;
  }

  private static McpSyncClient client() {
    return client(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), null);
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void the_sdk_client_sees_one_server_with_filtered_and_deduplicated_tools() {
    try (McpSyncClient client = client()) {
      assertThat(client.getServerInfo().name()).isEqualTo("mcp-gateway/" + preset.slug());
      assertThat(client.getServerCapabilities().tools()).isNotNull();
      List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
      String a = alphaServer.slug();
      String b = betaServer.slug();
      // A name both servers offer is exposed under each server's name; alpha's pid is not in its allow-list, so
      // beta's pid keeps its name, as does beta's env.
      assertThat(names).containsExactly(a + "__add", a + "__echo", a + "__fail", a + "__progress", a + "__slow",
          b + "__add", b + "__echo", b + "__fail", b + "__progress", b + "__slow", "env", "pid");
    }
  }

  @Test
  void calls_route_to_the_right_upstream_even_when_names_collide() {
    try (McpSyncClient client = client()) {
      assertThat(text(client.callTool(new McpSchema.CallToolRequest(alphaServer.slug() + "__echo", Map.of("text", "hi")))))
          .isEqualTo("alpha:echo: hi");
      assertThat(text(client.callTool(new McpSchema.CallToolRequest(betaServer.slug() + "__echo", Map.of("text", "hi")))))
          .isEqualTo("beta:echo: hi");
      assertThat(text(client.callTool(new McpSchema.CallToolRequest(alphaServer.slug() + "__add", Map.of("a", 2, "b", 3)))))
          .isEqualTo("5.0");
      // The plain name is exposed for neither, so it can never reach the wrong one.
      assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi"))))
          .hasMessageContaining("Unknown tool: echo");
    }
  }

  @Test
  void tool_errors_stay_tool_results_and_unknown_tools_are_invalid_params() {
    try (McpSyncClient client = client()) {
      McpSchema.CallToolResult failed = client.callTool(new McpSchema.CallToolRequest(alphaServer.slug() + "__fail", Map.of()));
      assertThat(failed.isError()).isTrue();
      assertThat(text(failed)).isEqualTo("this tool always fails");
      assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("pid-of-alpha", Map.of())))
          .hasMessageContaining("Unknown tool: pid-of-alpha");
    }
  }

  @Test
  void progress_and_log_messages_of_a_call_reach_the_caller() {
    List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
    try (McpSyncClient client = client(progress, logs, new CopyOnWriteArrayList<>(), null)) {
      var request = McpSchema.CallToolRequest.builder().name(alphaServer.slug() + "__progress").arguments(Map.of("steps", 3))
          .progressToken("caller-token-7").build();
      assertThat(text(client.callTool(request))).isEqualTo("alpha:done 3");
      // The SDK client hands notifications to its consumer on a thread pool, so their order there is not the wire
      // order; the conformance suite checks increasing progress through the gateway (tools-call-with-progress).
      assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactlyInAnyOrder(1.0, 2.0, 3.0);
      assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("caller-token-7"));
      assertThat(logs).extracting(l -> String.valueOf(l.data())).contains("starting 3 steps");
    }
  }

  @Test
  void the_stdio_upstream_gets_only_its_configured_environment() {
    try (McpSyncClient client = client()) {
      assertThat(text(client.callTool(new McpSchema.CallToolRequest("env", Map.of()))))
          .isEqualTo("FIXTURE_SECRET=s3 MGW_LEAK=null");
    }
  }

  @Test
  void the_upstream_sees_its_configured_credentials_and_never_the_callers_token() {
    try (McpSyncClient client = client(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
        new CopyOnWriteArrayList<>(), "caller-secret-token")) {
      client.callTool(new McpSchema.CallToolRequest(alphaServer.slug() + "__echo", Map.of("text", "x")));
    } catch (RuntimeException ignored) {
      // the public preset rejects an unknown bearer token (401); what matters is what reached the upstream
    }
    try (McpSyncClient client = client()) {
      client.callTool(new McpSchema.CallToolRequest(alphaServer.slug() + "__echo", Map.of("text", "y")));
    }
    assertThat(alpha.seen()).isNotEmpty();
    assertThat(alpha.seen()).allSatisfy(s -> {
      assertThat(s.headers().get("Authorization")).isNull();
      assertThat(String.join(" ", s.headers().values())).doesNotContain("caller-secret-token");
    });
    assertThat(alpha.seen()).anySatisfy(s -> assertThat(s.headers().get("X-Upstream-Key")).isEqualTo("upstream-secret"));
  }

  @Test
  void a_preset_change_tells_open_sessions_that_the_tool_list_changed() {
    List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
    Preset own = gw.preset(GatewayHarness.slug("changing"), Visibility.PUBLIC);
    gw.link(own, alphaServer, List.of("echo"));
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + own.slug())
        .openConnectionOnStartup(true).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
        .toolsChangeConsumer(changes::add).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
      gw.presets.upsertLink(gw.pool, own.id(), alphaServer.id(), true, List.of("echo", "add")).await();
      gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(own.id(), own.slug(), Change.UPDATED).toJson());
      Eventually.await("tools/list_changed to reach the client", Duration.ofSeconds(10), () -> !changes.isEmpty());
      assertThat(changes.get(changes.size() - 1)).extracting(McpSchema.Tool::name).containsExactly("add", "echo");
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("add", "echo");
    }
  }

  @Test
  void a_preset_with_one_upstream_down_still_serves_the_others_and_names_the_failing_one() {
    HttpFixtureServer gamma = HttpFixtureServer.streamable("gamma");
    UpstreamServer gammaServer = gw.httpServer(GatewayHarness.slug("gamma"), gamma.url(), Map.of());
    Preset mixed = gw.preset(GatewayHarness.slug("mixed"), Visibility.PUBLIC);
    gw.link(mixed, gammaServer, List.of("echo"));
    gw.link(mixed, betaServer, List.of("add"));
    gamma.stop();
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + mixed.slug()).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("add");
      assertThat(text(client.callTool(new McpSchema.CallToolRequest("add", Map.of("a", 1, "b", 1))))).isEqualTo("2.0");
      assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "x"))))
          .hasMessageContaining("Unknown tool: echo").hasMessageContaining(gammaServer.slug());
      gamma.restart();
      Eventually.await("gamma's tools to come back", Duration.ofSeconds(15),
          () -> client.listTools().tools().stream().anyMatch(t -> t.name().equals("echo")));
      gamma.stop();
      assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "x"))))
          .hasMessageContaining(gammaServer.slug());
    } finally {
      gamma.close();
    }
  }
}
