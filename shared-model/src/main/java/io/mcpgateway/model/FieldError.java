package io.mcpgateway.model;

import io.vertx.core.json.JsonObject;

/** One invalid field and why, e.g. {@code slug: must be 3-50 characters of a-z, 0-9 and '-' (got "My Slug!")}. */
public record FieldError(String field, String reason) {
  public JsonObject toJson() {
    return new JsonObject().put("field", field).put("reason", reason);
  }
}
