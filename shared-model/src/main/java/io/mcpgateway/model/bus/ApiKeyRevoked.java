package io.mcpgateway.model.bus;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

public record ApiKeyRevoked(UUID keyId, String prefix) {
  public static final int V = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", V).put("keyId", keyId.toString()).put("prefix", prefix);
  }

  public static ApiKeyRevoked fromJson(JsonObject j) {
    return new ApiKeyRevoked(UUID.fromString(j.getString("keyId")), j.getString("prefix"));
  }
}
