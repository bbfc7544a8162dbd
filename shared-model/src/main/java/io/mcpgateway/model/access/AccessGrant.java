package io.mcpgateway.model.access;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Permission for one principal to use one {@code invite_only} preset. */
public record AccessGrant(UUID presetId, UUID principalId, UUID grantedBy, Instant grantedAt) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("presetId", presetId.toString())
        .put("principalId", principalId.toString())
        .put("grantedBy", grantedBy == null ? null : grantedBy.toString())
        .put("grantedAt", grantedAt == null ? null : grantedAt.toString());
  }
}
