package io.mcpgateway.testing.mcp.conformance;

import io.mcpgateway.testing.mcp.FixtureTools;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;

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
  private static final String SCHEMA_2020_12 = """
      {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
       "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
       "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
       "additionalProperties":false}""";

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
            }),
        // SEP-1613: the listing must carry $schema, $defs and additionalProperties untouched.
        FixtureTools.tool(json, "json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", SCHEMA_2020_12,
            (ex, req) -> FixtureTools.text("JSON Schema 2020-12 tool called")),
        FixtureTools.tool(json, "test_sampling", "Asks the client's LLM to answer the prompt (sampling/createMessage)",
            "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}},\"required\":[\"prompt\"]}",
            (ex, req) -> {
              McpSchema.CreateMessageResult answer = ex.createMessage(McpSchema.CreateMessageRequest.builder()
                  .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                      new McpSchema.TextContent(String.valueOf(req.arguments().get("prompt"))))))
                  .maxTokens(100).build());
              String text = answer.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(answer.content());
              return FixtureTools.text("LLM response: " + text);
            }),
        FixtureTools.tool(json, "test_elicitation", "Asks the user for a username and email (elicitation/create)",
            "{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}},\"required\":[\"message\"]}",
            (ex, req) -> {
              McpSchema.ElicitResult answer = ex.createElicitation(McpSchema.ElicitFormRequest.builder(
                  String.valueOf(req.arguments().get("message")), Map.of("type", "object",
                      "properties", Map.of("username", Map.of("type", "string", "description", "User's response"),
                          "email", Map.of("type", "string", "description", "User's email address")),
                      "required", List.of("username", "email"))).build());
              return FixtureTools.text("User response: action=" + answer.action().name().toLowerCase()
                  + ", content=" + answer.content());
            }),
        // SEP-1034: every primitive type with a default value.
        elicit(json, "test_elicitation_sep1034_defaults", "Elicits a form whose fields all have defaults", Map.of(
            "name", Map.of("type", "string", "default", "John Doe"),
            "age", Map.of("type", "integer", "default", 30),
            "score", Map.of("type", "number", "default", 95.5),
            "status", Map.of("type", "string", "enum", List.of("active", "inactive", "pending"), "default", "active"),
            "verified", Map.of("type", "boolean", "default", true))),
        // SEP-1330: the five enum shapes.
        elicit(json, "test_elicitation_sep1330_enums", "Elicits a form with every enum shape", Map.of(
            "untitledSingle", Map.of("type", "string", "enum", List.of("option1", "option2", "option3")),
            "titledSingle", Map.of("type", "string", "oneOf", List.of(Map.of("const", "value1", "title", "First Option"),
                Map.of("const", "value2", "title", "Second Option"), Map.of("const", "value3", "title", "Third Option"))),
            "legacyEnum", Map.of("type", "string", "enum", List.of("opt1", "opt2", "opt3"),
                "enumNames", List.of("Option One", "Option Two", "Option Three")),
            "untitledMulti", Map.of("type", "array", "items", Map.of("type", "string",
                "enum", List.of("option1", "option2", "option3"))),
            "titledMulti", Map.of("type", "array", "items", Map.of("anyOf", List.of(
                Map.of("const", "value1", "title", "First Choice"), Map.of("const", "value2", "title", "Second Choice"),
                Map.of("const", "value3", "title", "Third Choice")))))));
  }

  private static SyncToolSpecification elicit(McpJsonMapper json, String name, String description,
      Map<String, Object> properties) {
    return FixtureTools.tool(json, name, description, NO_ARGS, (ex, req) -> {
      McpSchema.ElicitResult answer = ex.createElicitation(McpSchema.ElicitFormRequest.builder(
          "Please review and update the form fields", Map.of("type", "object", "properties", properties)).build());
      return FixtureTools.text("Elicitation completed: action=" + answer.action().name().toLowerCase()
          + ", content=" + answer.content());
    });
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
