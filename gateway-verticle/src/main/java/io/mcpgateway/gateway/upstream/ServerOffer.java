package io.mcpgateway.gateway.upstream;

import io.vertx.core.json.JsonObject;

/** What an upstream said about itself in {@code initialize}: its capabilities, instructions (may be null) and info. */
public record ServerOffer(JsonObject capabilities, String instructions, JsonObject serverInfo) {
  public boolean offers(String capability) {
    return capabilities.getValue(capability) instanceof JsonObject;
  }

  /** {@code resources.subscribe} (server/resources §Capabilities). */
  public boolean subscribable() {
    return capabilities.getValue("resources") instanceof JsonObject r && Boolean.TRUE.equals(r.getValue("subscribe"));
  }
}
