package io.mcpgateway.testing.mcp.conformance;

import io.mcpgateway.testing.mcp.FixtureFeatures;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Role;
import java.util.List;

/**
 * The resources, templates, prompts and completions the conformance suite's server scenarios read
 * (resources-*, prompts-*, completion-complete), next to {@link ConformanceTools}' tools, answering exactly
 * as each scenario's requirements describe.
 */
public final class ConformanceFeatures {
  public static final String INSTRUCTIONS = "The conformance fixture: every tool, resource and prompt the suite needs.";

  private ConformanceFeatures() {}

  public static FixtureFeatures all(McpJsonMapper json) {
    return new FixtureFeatures(ConformanceTools.all(json), resources(), templates(), prompts(), completions(), INSTRUCTIONS);
  }

  static List<SyncResourceSpecification> resources() {
    return List.of(
        new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-text").name("static-text")
            .description("A static text resource").mimeType("text/plain").build(),
            (ex, req) -> new ReadResourceResult(List.of(new McpSchema.TextResourceContents(req.uri(), "text/plain",
                "This is the content of the static text resource.")))),
        new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-binary").name("static-binary")
            .description("A static binary resource (a 1x1 PNG)").mimeType("image/png").build(),
            (ex, req) -> new ReadResourceResult(List.of(new McpSchema.BlobResourceContents(req.uri(), "image/png",
                ConformanceTools.PNG)))),
        new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://watched-resource").name("watched-resource")
            .description("A resource clients may subscribe to").mimeType("text/plain").build(),
            (ex, req) -> new ReadResourceResult(List.of(new McpSchema.TextResourceContents(req.uri(), "text/plain",
                "Watched resource content")))));
  }

  static List<SyncResourceTemplateSpecification> templates() {
    return List.of(new SyncResourceTemplateSpecification(
        McpSchema.ResourceTemplate.builder().uriTemplate("test://template/{id}/data").name("template-data")
            .description("Data for an id").mimeType("application/json").build(),
        (ex, req) -> {
          String id = req.uri().replaceFirst("^test://template/", "").replaceFirst("/data$", "");
          return new ReadResourceResult(List.of(new McpSchema.TextResourceContents(req.uri(), "application/json",
              "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}")));
        }));
  }

  static List<SyncPromptSpecification> prompts() {
    return List.of(
        new SyncPromptSpecification(new McpSchema.Prompt("test_simple_prompt", "A simple prompt without arguments", List.of()),
            (ex, req) -> new GetPromptResult(null, List.of(new PromptMessage(Role.USER,
                new McpSchema.TextContent("This is a simple prompt for testing."))))),
        new SyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_arguments", "A prompt with two arguments",
            List.of(new McpSchema.PromptArgument("arg1", "First test argument", true),
                new McpSchema.PromptArgument("arg2", "Second test argument", true))),
            (ex, req) -> new GetPromptResult(null, List.of(new PromptMessage(Role.USER, new McpSchema.TextContent(
                "Prompt with arguments: arg1='" + req.arguments().get("arg1") + "', arg2='" + req.arguments().get("arg2")
                    + "'"))))),
        new SyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_embedded_resource",
            "A prompt embedding a resource", List.of(new McpSchema.PromptArgument("resourceUri",
                "URI of the resource to embed", true))),
            (ex, req) -> new GetPromptResult(null, List.of(
                new PromptMessage(Role.USER, new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents(
                    String.valueOf(req.arguments().get("resourceUri")), "text/plain",
                    "Embedded resource content for testing."))),
                new PromptMessage(Role.USER, new McpSchema.TextContent("Please process the embedded resource above."))))),
        new SyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_image", "A prompt with an image", List.of()),
            (ex, req) -> new GetPromptResult(null, List.of(
                new PromptMessage(Role.USER, new McpSchema.ImageContent(null, ConformanceTools.PNG, "image/png")),
                new PromptMessage(Role.USER, new McpSchema.TextContent("Please analyze the image above."))))));
  }

  static List<SyncCompletionSpecification> completions() {
    return List.of(
        new SyncCompletionSpecification(new McpSchema.PromptReference("test_prompt_with_arguments"),
            (ex, req) -> complete(List.of("paris", "park", "party", "test-value"), req.argument().value())),
        new SyncCompletionSpecification(new McpSchema.ResourceReference("test://template/{id}/data"),
            (ex, req) -> complete(List.of("123", "124", "200"), req.argument().value())));
  }

  private static McpSchema.CompleteResult complete(List<String> candidates, String prefix) {
    List<String> values = candidates.stream().filter(c -> prefix == null || c.startsWith(prefix)).toList();
    return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(values, values.size(), false));
  }
}
