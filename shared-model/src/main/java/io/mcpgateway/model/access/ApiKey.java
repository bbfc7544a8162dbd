package io.mcpgateway.model.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored API key: never the key itself, only its visible prefix and hash. {@code presetIds} empty = all. */
public record ApiKey(
    UUID id, UUID principalId, String name, String prefix, byte[] hash, List<UUID> presetIds, Instant expiresAt,
    Instant revokedAt, Instant createdAt, Instant lastUsedAt) {

  public ApiKey {
    presetIds = presetIds == null ? List.of() : List.copyOf(presetIds);
  }

  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  public boolean allowsPreset(UUID presetId) {
    return presetIds.isEmpty() || presetIds.contains(presetId);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("name", name)
        .put("prefix", prefix)
        .put("principalId", principalId.toString())
        .put("presetIds", presetIds.isEmpty() ? null : new JsonArray(presetIds.stream().map(UUID::toString).toList()))
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString())
        .put("revokedAt", revokedAt == null ? null : revokedAt.toString())
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toString());
  }
}
