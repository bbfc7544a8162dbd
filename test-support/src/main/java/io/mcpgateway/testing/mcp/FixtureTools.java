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

  /**
   * Tools that ask the calling client (MCP client features): {@code sample {prompt}} sends
   * {@code sampling/createMessage} and answers "{prefix}sampled: {text} by {model}"; {@code elicit {message}} a
   * form {@code elicitation/create} (one string field {@code name}) → "{prefix}elicited: {action} {content}";
   * {@code elicit_url {url}} a URL-mode one → "{prefix}url: {action}"; {@code elicit_then_sample {message, ms}} the
   * form elicitation, then after {@code ms} a sampling request → "{prefix}elicited {action} {content}, then sampled
   * {text} by {model}"; {@code roots} sends {@code roots/list} →
   * "{prefix}roots: {uri,...}". A client that did not declare the capability gets the SDK's error as a tool error.
   */
  public static List<SyncToolSpecification> clientFeatures(McpJsonMapper json, String prefix) {
    List<SyncToolSpecification> tools = new ArrayList<>();
    tools.add(tool(json, "sample", "Asks the client's model", "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}}}",
        (ex, req) -> asking(() -> {
          McpSchema.CreateMessageResult answer = ex.createMessage(McpSchema.CreateMessageRequest.builder()
              .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                  new McpSchema.TextContent(String.valueOf(req.arguments().get("prompt"))))))
              .maxTokens(50).build());
          String text = answer.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(answer.content());
          return text(prefix + "sampled: " + text + " by " + answer.model());
        })));
    tools.add(tool(json, "elicit", "Asks the user for a name", "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}}}",
        (ex, req) -> asking(() -> {
          McpSchema.ElicitResult answer = ex.createElicitation(McpSchema.ElicitFormRequest.builder(
              String.valueOf(req.arguments().get("message")), java.util.Map.of("type", "object",
                  "properties", java.util.Map.of("name", java.util.Map.of("type", "string")))).build());
          return text(prefix + "elicited: " + answer.action().name().toLowerCase() + " " + answer.content());
        })));
    tools.add(tool(json, "elicit_url", "Sends the user to a URL", "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}}}",
        (ex, req) -> asking(() -> {
          McpSchema.ElicitResult answer = ex.createElicitation(McpSchema.ElicitUrlRequest.builder(
              "Please open the page", String.valueOf(req.arguments().get("url")), "elicitation-1").build());
          return text(prefix + "url: " + answer.action().name().toLowerCase());
        })));
    tools.add(tool(json, "elicit_then_sample", "Asks the user, waits ms, then asks the client's model",
        "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"},\"ms\":{\"type\":\"number\"}}}",
        (ex, req) -> asking(() -> {
          McpSchema.ElicitResult asked = ex.createElicitation(McpSchema.ElicitFormRequest.builder(
              String.valueOf(req.arguments().get("message")), java.util.Map.of("type", "object",
                  "properties", java.util.Map.of("name", java.util.Map.of("type", "string")))).build());
          sleep((long) number(req.arguments().getOrDefault("ms", 0)));
          McpSchema.CreateMessageResult sampled = ex.createMessage(McpSchema.CreateMessageRequest.builder()
              .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                  new McpSchema.TextContent("capital of France?")))).maxTokens(50).build());
          String text = sampled.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(sampled.content());
          return text(prefix + "elicited " + asked.action().name().toLowerCase() + " " + asked.content() + ", then sampled "
              + text + " by " + sampled.model());
        })));
    tools.add(tool(json, "roots", "Lists the client's roots", "{\"type\":\"object\"}",
        (ex, req) -> asking(() -> text(prefix + "roots: " + String.join(",",
            ex.listRoots().roots().stream().map(McpSchema.Root::uri).toList())))));
    return tools;
  }

  /** The SDK throws when the client cannot be asked; the tool reports that as its error. */
  private static CallToolResult asking(java.util.function.Supplier<CallToolResult> ask) {
    try {
      return ask.get();
    } catch (RuntimeException e) {
      return CallToolResult.builder().addTextContent("could not ask the client: " + e.getMessage()).isError(true).build();
    }
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
