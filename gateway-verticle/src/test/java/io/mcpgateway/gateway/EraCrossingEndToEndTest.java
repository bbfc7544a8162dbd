package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.mcpgateway.testing.mcp.modern.NodePackages;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients of both eras against one preset joining a 2025-era upstream (Java SDK) and a 2026-era upstream
 * (TypeScript SDK v2): the TypeScript SDK v2 client pinned to 2026-07-28 and the Java SDK client (2025-11-25), with
 * one elicitation crossing the eras in each direction.
 */
class EraCrossingEndToEndTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer legacy;
  private static ModernFixtureServer modern;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("eras", new JsonObject());
    legacy = HttpFixtureServer.streamable("old", json -> {
      var tools = new ArrayList<>(FixtureTools.standard(json, "old:"));
      tools.addAll(FixtureTools.clientFeatures(json, "old:"));
      return tools;
    });
    modern = ModernFixtureServer.start("new");
    preset = gw.preset(GatewayHarness.slug("eras"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("old"), legacy.url(), Map.of()), List.of("echo", "add", "elicit_then_sample"));
    gw.link(preset, gw.httpServer(GatewayHarness.slug("new"), modern.url(), Map.of()), List.of());
    // The same 2026 server over stdio (the server/discover probe itself is shown in ModernUpstreamTest).
    gw.link(preset, gw.stdioServer(GatewayHarness.slug("piped"), ModernFixtureServer.stdioCommand("piped"), Map.of()),
        List.of("piped_echo", "piped_confirm"));
  }

  @AfterAll
  static void stop() {
    gw.close();
    legacy.close();
    modern.close();
  }

  /** Runs the TypeScript SDK v2 client (modern-client.mjs) and returns its JSON lines. */
  private static List<JsonObject> modernClient(String... steps) throws IOException, InterruptedException {
    var dir = NodePackages.dir();
    List<String> command = new ArrayList<>(List.of(NodePackages.node(dir).toString(),
        NodePackages.script("modern-client.mjs").toString(), gw.base() + "/mcp/" + preset.slug()));
    command.addAll(List.of(steps));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<JsonObject> lines = new ArrayList<>();
    out.lines().filter(l -> l.startsWith("{")).forEach(l -> lines.add(new JsonObject(l)));
    assertThat(lines).as(out).isNotEmpty();
    assertThat(lines.get(0).getString("error")).as(out).isNull();
    return lines;
  }

  private static String text(JsonObject callLine) {
    assertThat(callLine.getString("error")).as(callLine.encode()).isNull();
    return callLine.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text");
  }

  @Test
  void the_typescript_v2_client_pinned_to_2026_uses_tools_of_both_eras_and_answers_an_elicitation() throws Exception {
    List<JsonObject> lines = modernClient("echo", "{\"text\":\"from 2026\"}", "new_echo", "{\"text\":\"hi\"}",
        "new_confirm", "{\"what\":\"deploy\"}");
    assertThat(lines.get(0).getString("protocolVersion")).isEqualTo("2026-07-28");
    assertThat(lines.get(1).getJsonArray("tools").getList()).contains("echo", "add", "new_echo", "new_confirm");
    assertThat(text(lines.get(2))).isEqualTo("old:echo: from 2026");
    assertThat(text(lines.get(3))).isEqualTo("new: hi");
    // the 2026 upstream's input_required reached the 2026 client through the gateway; its retry completed upstream
    assertThat(text(lines.get(4))).isEqualTo("confirm deploy: accept {\"ok\":true,\"name\":\"Ada\"}");
  }

  @Test
  void a_2025_upstreams_elicitation_and_sampling_reach_the_typescript_v2_client_as_input_required_rounds() throws Exception {
    // The Java SDK upstream asks its client (elicitation/create, then sampling/createMessage) on its open connection;
    // the gateway holds the call and hands each request to the 2026 client as input_required, whose retries answer it.
    List<JsonObject> lines = modernClient("elicit_then_sample", "{\"message\":\"Who are you?\",\"ms\":0}");
    assertThat(text(lines.get(2))).isEqualTo("old:elicited accept {ok=true, name=Ada}, then sampled Paris by test-model");
  }

  @Test
  void a_2026_stdio_upstream_serves_the_typescript_v2_client_and_its_input_required_passes_through() throws Exception {
    List<JsonObject> lines = modernClient("piped_echo", "{\"text\":\"over stdio\"}", "piped_confirm", "{\"what\":\"pipe\"}");
    assertThat(text(lines.get(2))).isEqualTo("piped: over stdio");
    assertThat(text(lines.get(3))).isEqualTo("confirm pipe: accept {\"ok\":true,\"name\":\"Ada\"}");
  }

  @Test
  void the_java_sdk_client_on_2025_11_25_uses_tools_of_both_eras() {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + preset.slug()).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "new_echo", "new_confirm");
      var old = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "from 2025")));
      assertThat(((McpSchema.TextContent) old.content().get(0)).text()).isEqualTo("old:echo: from 2025");
      var fresh = client.callTool(new McpSchema.CallToolRequest("new_echo", Map.of("text", "hi")));
      assertThat(((McpSchema.TextContent) fresh.content().get(0)).text()).isEqualTo("new: hi");
    }
  }

  @Test
  void a_2026_upstreams_elicitation_reaches_the_2025_java_client_as_an_elicitation_create_request() {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + preset.slug()).build();
    List<McpSchema.ElicitRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
        .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
        .elicitation(request -> {
          asked.add(request);
          return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("ok", true));
        }).build()) {
      client.initialize();
      // the upstream answers input_required (MCP 2026-07-28 MRTR); the gateway asks this 2025 client on the call's
      // stream, then retries the upstream with the answer
      var result = client.callTool(new McpSchema.CallToolRequest("new_confirm", Map.of("what", "deploy")));
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("confirm deploy: accept {\"ok\":true}");
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0).message()).isEqualTo("Confirm deploy?");
    }
  }
}
