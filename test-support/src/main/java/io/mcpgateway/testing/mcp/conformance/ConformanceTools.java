package io.mcpgateway.testing.mcp.conformance;

import io.mcpgateway.testing.mcp.FixtureTools;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;

/**
 * The tools the server scenarios of the official conformance suite (npm {@code @modelcontextprotocol/conformance})
 * call, answering exactly as each scenario's requirements describe.
 */
public final class ConformanceTools {
  /** A 1x1 red PNG. */
  static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
  /** A minimal WAV (44-byte header, no samples). */
  static final String WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";
  private static final String NO_ARGS = "{\"type\":\"object\",\"properties\":{}}";

  private ConformanceTools() {}

  public static List<SyncToolSpecification> all(McpJsonMapper json) {
    return List.of(
        FixtureTools.tool(json, "test_simple_text", "Returns simple text", NO_ARGS,
            (ex, req) -> FixtureTools.text("This is a simple text response for testing.")),
        FixtureTools.tool(json, "test_image_content", "Returns an image", NO_ARGS,
            (ex, req) -> result(new McpSchema.ImageContent(null, PNG, "image/png"))),
        FixtureTools.tool(json, "test_audio_content", "Returns audio", NO_ARGS,
            (ex, req) -> result(new McpSchema.AudioContent(null, WAV, "audio/wav"))),
        FixtureTools.tool(json, "test_embedded_resource", "Returns an embedded resource", NO_ARGS,
            (ex, req) -> result(new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents(
                "test://embedded-resource", "text/plain", "This is an embedded resource content.")))),
        FixtureTools.tool(json, "test_multiple_content_types", "Returns text, image and resource", NO_ARGS,
            (ex, req) -> CallToolResult.builder()
                .addContent(new McpSchema.TextContent("Multiple content types test:"))
                .addContent(new McpSchema.ImageContent(null, PNG, "image/png"))
                .addContent(new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents(
                    "test://mixed-content-resource", "application/json", "{\"test\":\"data\",\"value\":123}")))
                .isError(false).build()),
        FixtureTools.tool(json, "test_tool_with_logging", "Logs three messages while running", NO_ARGS,
            (ex, req) -> {
              for (String message : List.of("Tool execution started", "Tool processing data", "Tool execution completed")) {
                ex.loggingNotification(McpSchema.LoggingMessageNotification.builder()
                    .level(McpSchema.LoggingLevel.INFO).logger("conformance").data(message).build());
                sleep(50);
              }
              return FixtureTools.text("Tool with logging executed successfully");
            }),
        FixtureTools.tool(json, "test_error_handling", "Always fails", NO_ARGS,
            (ex, req) -> CallToolResult.builder().addTextContent("This tool intentionally returns an error for testing")
                .isError(true).build()),
        FixtureTools.tool(json, "test_tool_with_progress", "Reports 0, 50 and 100 of 100", NO_ARGS,
            (ex, req) -> {
              Object token = req.meta() == null ? null : req.meta().get("progressToken");
              for (int p : new int[] {0, 50, 100}) {
                if (token != null) {
                  ex.progressNotification(new McpSchema.ProgressNotification(token, (double) p, 100.0, null));
                }
                sleep(50);
              }
              return FixtureTools.text("Tool with progress executed successfully");
            }));
  }

  private static CallToolResult result(McpSchema.Content content) {
    return CallToolResult.builder().addContent(content).isError(false).build();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
