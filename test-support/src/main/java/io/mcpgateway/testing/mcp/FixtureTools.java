package io.mcpgateway.testing.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools of the MCP fixture servers (built on the official Java SDK):
 * {@code echo {text}} → "{prefix}echo: text"; {@code add {a,b}} → the sum; {@code slow {ms}} sleeps then
 * answers; {@code progress {steps}} sends one progress notification per step (needs a progressToken) and a
 * log message; {@code fail} returns an {@code isError} result; {@code pid} returns the server process id.
 * {@code prefix} distinguishes two fixtures exposing the same tool names.
 */
public final class FixtureTools {
  private FixtureTools() {}

  public static List<SyncToolSpecification> standard(McpJsonMapper json, String prefix) {
    List<SyncToolSpecification> tools = new ArrayList<>();
    tools.add(tool(json, "echo", "Echoes its text", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}",
        (ex, req) -> text(prefix + "echo: " + req.arguments().get("text"))));
    tools.add(tool(json, "add", "Adds two numbers", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}}",
        (ex, req) -> text(String.valueOf(number(req.arguments().get("a")) + number(req.arguments().get("b"))))));
    tools.add(tool(json, "slow", "Sleeps for ms milliseconds", "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"number\"}}}",
        (ex, req) -> {
          sleep((long) number(req.arguments().get("ms")));
          return text(prefix + "slept");
        }));
    tools.add(tool(json, "progress", "Reports progress steps", "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"number\"}}}",
        (ex, req) -> {
          int steps = (int) number(req.arguments().getOrDefault("steps", 3));
          Object token = req.meta() == null ? null : req.meta().get("progressToken");
          ex.loggingNotification(McpSchema.LoggingMessageNotification.builder()
              .level(McpSchema.LoggingLevel.INFO).logger("fixture").data("starting " + steps + " steps").build());
          for (int i = 1; i <= steps; i++) {
            if (token != null) {
              ex.progressNotification(new McpSchema.ProgressNotification(token, (double) i, (double) steps, "step " + i));
            }
            sleep(20);
          }
          return text(prefix + "done " + steps);
        }));
    tools.add(tool(json, "fail", "Always reports a tool error", "{\"type\":\"object\"}",
        (ex, req) -> CallToolResult.builder().addTextContent("this tool always fails").isError(true).build()));
    tools.add(tool(json, "pid", "Returns the server's process id", "{\"type\":\"object\"}",
        (ex, req) -> text(String.valueOf(ProcessHandle.current().pid()))));
    return tools;
  }

  public static SyncToolSpecification tool(McpJsonMapper json, String name, String description, String schema,
      java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange, McpSchema.CallToolRequest, CallToolResult> handler) {
    McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description).inputSchema(json, schema).build();
    return new SyncToolSpecification(tool, handler);
  }

  public static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    return o == null ? 0 : Double.parseDouble(String.valueOf(o));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
