package io.mcpgateway.model.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the append-only audit trail: who ({@code actorId}) did what ({@code eventType}, e.g.
 * {@code preset.updated}) to which aggregate, with before/after data where useful.
 */
public record AuditEvent(
    long id, String aggregateType, UUID aggregateId, String eventType, UUID actorId, JsonObject data,
    Instant occurredAt) {

  /** An event not yet written; id and time are assigned by the database. */
  public static AuditEvent of(String aggregateType, UUID aggregateId, String eventType, UUID actorId, JsonObject data) {
    return new AuditEvent(0, aggregateType, aggregateId, eventType, actorId, data, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("aggregateType", aggregateType)
        .put("aggregateId", aggregateId.toString())
        .put("type", eventType)
        .put("actorId", actorId == null ? null : actorId.toString())
        .put("data", data)
        .put("occurredAt", occurredAt == null ? null : occurredAt.toString());
  }
}
