package io.mcpgateway.model.preset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A preset's link to an upstream server: whether it is used and which of its tools, prompts and resources are
 * exposed (each allow-list empty = all). {@code allowedResourceUris} holds resource URIs and resource-template
 * URIs; a concrete URI is allowed when it is listed or matches a listed template. {@code linkedAt} orders links.
 */
public record PresetServer(UUID serverId, String serverSlug, boolean enabled, List<String> allowedToolNames,
    List<String> allowedPromptNames, List<String> allowedResourceUris, Instant linkedAt) {
  public PresetServer {
    allowedToolNames = List.copyOf(allowedToolNames);
    allowedPromptNames = List.copyOf(allowedPromptNames == null ? List.of() : allowedPromptNames);
    allowedResourceUris = List.copyOf(allowedResourceUris == null ? List.of() : allowedResourceUris);
  }

  /** A link exposing every prompt and resource, with a tool allow-list. */
  public PresetServer(UUID serverId, String serverSlug, boolean enabled, List<String> allowedToolNames, Instant linkedAt) {
    this(serverId, serverSlug, enabled, allowedToolNames, List.of(), List.of(), linkedAt);
  }

  public boolean allows(String toolName) {
    return allowedToolNames.isEmpty() || allowedToolNames.contains(toolName);
  }

  public boolean allowsPrompt(String promptName) {
    return allowedPromptNames.isEmpty() || allowedPromptNames.contains(promptName);
  }

  /** A resource URI or template: listed, or (for a concrete URI) matching a listed template. */
  public boolean allowsResource(String uri) {
    return allowedResourceUris.isEmpty() || allowedResourceUris.contains(uri)
        || allowedResourceUris.stream().anyMatch(t -> UriTemplates.isTemplate(t) && UriTemplates.matches(t, uri));
  }
}
