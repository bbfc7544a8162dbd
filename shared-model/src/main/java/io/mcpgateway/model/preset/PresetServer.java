package io.mcpgateway.model.preset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A preset's link to an upstream server: whether it is used and which of its tools are exposed
 * ({@code allowedToolNames} empty = all). {@code linkedAt} orders links for collision renaming.
 */
public record PresetServer(
    UUID serverId, String serverSlug, boolean enabled, List<String> allowedToolNames, Instant linkedAt) {
  public PresetServer {
    allowedToolNames = List.copyOf(allowedToolNames);
  }

  public boolean allows(String toolName) {
    return allowedToolNames.isEmpty() || allowedToolNames.contains(toolName);
  }
}
