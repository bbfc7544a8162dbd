package io.mcpgateway.model.bus;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** {@code principalId} null: every principal's access to the preset may have changed. */
public record AccessChanged(UUID presetId, UUID principalId) {
  public static final int V = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", V).put("presetId", presetId.toString())
        .put("principal", principalId == null ? null : principalId.toString());
  }

  public static AccessChanged fromJson(JsonObject j) {
    String principal = j.getString("principal");
    return new AccessChanged(UUID.fromString(j.getString("presetId")),
        principal == null ? null : UUID.fromString(principal));
  }
}
