package io.mcpgateway.model.bus;

import io.mcpgateway.model.WireEnum;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

public record PresetChanged(UUID presetId, String slug, Change change) {
  public static final int V = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", V).put("presetId", presetId.toString()).put("slug", slug)
        .put("change", change.wire());
  }

  public static PresetChanged fromJson(JsonObject j) {
    return new PresetChanged(UUID.fromString(j.getString("presetId")), j.getString("slug"),
        WireEnum.of(Change.class, j.getString("change")));
  }
}
