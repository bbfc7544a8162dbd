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
 * environment the gateway gave it. With the extra argument {@code --env-names} it also serves {@code env_names},
 * which answers the sorted names of every environment variable it got (to prove the gateway's own environment
 * did not reach it). With {@code --client-features} it also serves {@link FixtureTools#clientFeatures}.
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
    if (List.of(args).contains("--client-features")) {
      tools.addAll(FixtureTools.clientFeatures(json, name + ":"));
    }
    if (List.of(args).contains("--env-names")) {
      tools.add(FixtureTools.tool(json, "env_names", "Names of all environment variables", "{\"type\":\"object\"}",
          (ex, req) -> FixtureTools.text(String.join(",", new java.util.TreeSet<>(System.getenv().keySet())))));
    }
    McpServer.sync(new StdioServerTransportProvider(json, exitAtEndOfInput(), System.out)).serverInfo(name, "1.0.0").jsonMapper(json)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
        .tools(tools).build();
    new CountDownLatch(1).await();
  }

  /** Like a well-behaved stdio server (transports §stdio shutdown), exit once the client closes stdin. */
  private static java.io.InputStream exitAtEndOfInput() {
    return new java.io.FilterInputStream(System.in) {
      @Override
      public int read() throws java.io.IOException {
        return exitAt(super.read());
      }

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        return exitAt(super.read(b, off, len));
      }

      private int exitAt(int n) {
        if (n < 0) {
          Runtime.getRuntime().halt(0);
        }
        return n;
      }
    };
  }

  /** The command line (java, args) that runs this fixture with the current test classpath. */
  public static List<String> command(String name, String... extraArgs) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xss512k", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), StdioFixtureMain.class.getName(), name));
    cmd.addAll(List.of(extraArgs));
    return List.copyOf(cmd);
  }
}
