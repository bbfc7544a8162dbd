package io.mcpgateway.testing.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stdio MCP server on the official Java SDK with the {@link FixtureTools}: run it as a child process with
 * {@link #command(String)}. Its first argument is the prefix of its answers. It prints the environment
 * variable FIXTURE_SECRET, if set, in the answer of the tool {@code env}, so tests can check which
 * environment the gateway gave it.
 */
public final class StdioFixtureMain {
  private StdioFixtureMain() {}

  public static void main(String[] args) throws InterruptedException {
    String name = args.length > 0 ? args[0] : "stdio";
    McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
    var tools = new ArrayList<>(FixtureTools.standard(json, name + ":"));
    tools.add(FixtureTools.tool(json, "env", "Shows FIXTURE_SECRET and whether HOME_SECRET leaked", "{\"type\":\"object\"}",
        (ex, req) -> FixtureTools.text("FIXTURE_SECRET=" + System.getenv("FIXTURE_SECRET")
            + " MGW_LEAK=" + System.getenv("MGW_ADMIN_API_KEY"))));
    McpServer.sync(new StdioServerTransportProvider(json)).serverInfo(name, "1.0.0").jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
        .tools(tools).build();
    new CountDownLatch(1).await();
  }

  /** The command line (java, args) that runs this fixture with the current test classpath. */
  public static List<String> command(String name) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-Xss512k", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        StdioFixtureMain.class.getName(), name);
  }
}
