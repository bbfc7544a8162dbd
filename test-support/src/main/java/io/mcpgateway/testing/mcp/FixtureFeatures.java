package io.mcpgateway.testing.mcp;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/**
 * Everything a fixture server offers. The capabilities it declares follow from what is there: resources
 * (with subscribe and listChanged) when it has resources or templates, prompts when it has prompts,
 * completions when it has completion handlers.
 */
public record FixtureFeatures(List<SyncToolSpecification> tools, List<SyncResourceSpecification> resources,
    List<SyncResourceTemplateSpecification> templates, List<SyncPromptSpecification> prompts,
    List<SyncCompletionSpecification> completions, String instructions) {
  public FixtureFeatures {
    tools = List.copyOf(tools);
    resources = List.copyOf(resources);
    templates = List.copyOf(templates);
    prompts = List.copyOf(prompts);
    completions = List.copyOf(completions);
  }

  public static FixtureFeatures tools(List<SyncToolSpecification> tools) {
    return new FixtureFeatures(tools, List.of(), List.of(), List.of(), List.of(), null);
  }

  McpSchema.ServerCapabilities capabilities() {
    var caps = McpSchema.ServerCapabilities.builder().tools(true).logging();
    if (!resources.isEmpty() || !templates.isEmpty()) {
      caps.resources(true, true);
    }
    if (!prompts.isEmpty()) {
      caps.prompts(true);
    }
    if (!completions.isEmpty()) {
      caps.completions();
    }
    return caps.build();
  }
}
