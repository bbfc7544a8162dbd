package io.mcpgateway.model.access;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Someone who calls the gateway: identified by (issuer, subject) of an OAuth token, or created by the
 * gateway itself ({@link #LOCAL_ISSUER}) for API-key-only users such as the bootstrap admin.
 */
public record Principal(
    UUID id, String issuer, String subject, String email, String displayName, boolean admin, Instant createdAt) {
  public static final String LOCAL_ISSUER = "mgw";

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("issuer", issuer)
        .put("subject", subject)
        .put("email", email)
        .put("displayName", displayName)
        .put("admin", admin)
        .put("createdAt", createdAt == null ? null : createdAt.toString());
  }
}
