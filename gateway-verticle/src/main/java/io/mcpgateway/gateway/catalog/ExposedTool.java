package io.mcpgateway.gateway.catalog;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A tool as a preset exposes it: its exposed name, and where calls to it go (server, original name). */
public record ExposedTool(String name, String originalName, UUID serverId, String serverSlug, JsonObject definition) {
  /** The MCP Tool object clients see: the upstream's definition under the exposed name. */
  public JsonObject toMcp() {
    return definition.copy().put("name", name);
  }
}
