package io.mcpgateway.testing.mcp;

import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A misbehaving stdio MCP server: it answers {@code initialize} and {@code tools/list}, and answers every
 * {@code tools/call} with one stdout line of the given size (default 50 MB) — more than the gateway holds.
 */
public final class HostileStdioMain {
  private HostileStdioMain() {}

  public static List<String> command(long lineBytes) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-Xss512k", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        HostileStdioMain.class.getName(), String.valueOf(lineBytes));
  }

  public static void main(String[] args) throws IOException {
    long size = args.length > 0 ? Long.parseLong(args[0]) : 50L * 1024 * 1024;
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    String line;
    while ((line = in.readLine()) != null) {
      JsonObject msg = new JsonObject(line);
      String method = msg.getString("method");
      Object id = msg.getValue("id");
      if (method == null || id == null) {
        continue;
      }
      String reply = switch (method) {
        case "initialize" -> new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", new JsonObject()
            .put("protocolVersion", "2025-06-18").put("capabilities", new JsonObject())
            .put("serverInfo", new JsonObject().put("name", "hostile-stdio").put("version", "1"))).encode();
        case "tools/list" -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}}";
        // A 2025-era server: the gateway's server/discover probe gets the usual unknown-method error.
        case "server/discover" -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}";
        default -> null;
      };
      if (reply != null) {
        out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        continue;
      }
      // tools/call: the result first, the id last (as some SDKs order it), all on one very long line.
      out.write("{\"jsonrpc\":\"2.0\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "a".repeat(1 << 16).getBytes(StandardCharsets.UTF_8);
      for (long left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      out.write(("\"}]},\"id\":" + id + "}\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
