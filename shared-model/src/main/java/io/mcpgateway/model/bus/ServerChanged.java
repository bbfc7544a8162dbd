package io.mcpgateway.model.bus;

import io.mcpgateway.model.WireEnum;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

public record ServerChanged(UUID serverId, Change change) {
  public static final int V = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", V).put("serverId", serverId.toString()).put("change", change.wire());
  }

  public static ServerChanged fromJson(JsonObject j) {
    return new ServerChanged(UUID.fromString(j.getString("serverId")), WireEnum.of(Change.class, j.getString("change")));
  }
}
