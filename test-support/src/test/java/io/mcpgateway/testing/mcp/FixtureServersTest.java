package io.mcpgateway.testing.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixtures are real MCP servers: the official SDK client lists and calls their tools on each transport. */
class FixtureServersTest {

  @Test
  void the_streamable_http_fixture_serves_its_tools_to_the_sdk_client() {
    try (var server = HttpFixtureServer.streamable("fx")) {
      var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port()).endpoint("/mcp").build();
      exercise(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build(), "fx:");
      assertThat(server.received("tools/call")).isTrue();
    }
  }

  @Test
  void the_legacy_sse_fixture_serves_its_tools_to_the_sdk_client() {
    try (var server = HttpFixtureServer.legacySse("old")) {
      var transport = HttpClientSseClientTransport.builder("http://127.0.0.1:" + server.port()).sseEndpoint("/sse").build();
      exercise(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10)).build(), "old:");
    }
  }

  @Test
  void the_stdio_fixture_serves_its_tools_to_the_sdk_client() {
    var cmd = StdioFixtureMain.command("io");
    var params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build();
    exercise(McpClient.sync(new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper())))
        .requestTimeout(Duration.ofSeconds(20)).initializationTimeout(Duration.ofSeconds(20)).build(), "io:");
  }

  private static void exercise(McpSyncClient client, String prefix) {
    try (client) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
          .contains("echo", "add", "slow", "progress", "fail", "pid");
      var echoed = client.callTool(new CallToolRequest("echo", Map.of("text", "hi")));
      assertThat(((TextContent) echoed.content().get(0)).text()).isEqualTo(prefix + "echo: hi");
      assertThat(client.callTool(new CallToolRequest("fail", Map.of())).isError()).isTrue();
    }
  }
}
