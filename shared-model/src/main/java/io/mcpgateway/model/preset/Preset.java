package io.mcpgateway.model.preset;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A virtual MCP server: a curated selection of upstream servers' tools served at {@code /mcp/{slug}}. */
public record Preset(
    UUID id,
    String slug,
    String name,
    String description,
    Visibility visibility,
    PresetStatus status,
    Integer rateLimitPerMinute,
    UUID ownerId,
    JsonObject metadata,
    Instant createdAt,
    Instant updatedAt,
    List<PresetServer> servers) {

  public Preset {
    servers = List.copyOf(servers);
    metadata = metadata == null ? new JsonObject() : metadata.copy();
  }

  public boolean active() {
    return status == PresetStatus.ACTIVE;
  }

  public Optional<PresetServer> server(UUID serverId) {
    return servers.stream().filter(s -> s.serverId().equals(serverId)).findFirst();
  }

  public Preset withServers(List<PresetServer> newServers) {
    return new Preset(id, slug, name, description, visibility, status, rateLimitPerMinute, ownerId, metadata,
        createdAt, updatedAt, newServers);
  }

  public JsonObject toJson() {
    var links = new JsonArray();
    for (PresetServer s : servers) {
      links.add(new JsonObject()
          .put("serverId", s.serverId().toString())
          .put("serverSlug", s.serverSlug())
          .put("enabled", s.enabled())
          .put("allowedToolNames", new JsonArray(s.allowedToolNames()))
          .put("allowedPromptNames", new JsonArray(s.allowedPromptNames()))
          .put("allowedResourceUris", new JsonArray(s.allowedResourceUris()))
          .put("linkedAt", s.linkedAt() == null ? null : s.linkedAt().toString()));
    }
    return new JsonObject()
        .put("id", id.toString())
        .put("slug", slug)
        .put("name", name)
        .put("description", description)
        .put("visibility", visibility.wire())
        .put("status", status.wire())
        .put("rateLimitPerMinute", rateLimitPerMinute)
        .put("ownerId", ownerId.toString())
        .put("metadata", metadata)
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString())
        .put("servers", links);
  }
}
