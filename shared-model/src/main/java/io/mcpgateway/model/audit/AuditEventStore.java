package io.mcpgateway.model.audit;

import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The audit trail. Append with the same {@link SqlClient} (transaction) as the change it records. */
public final class AuditEventStore {
  public Future<AuditEvent> append(SqlClient sql, AuditEvent e) {
    return sql.preparedQuery("""
            INSERT INTO audit_events (aggregate_type, aggregate_id, event_type, actor_id, data)
            VALUES ($1, $2, $3, $4, $5) RETURNING id, occurred_at""")
        .execute(Tuple.of(e.aggregateType(), e.aggregateId(), e.eventType(), e.actorId(),
            e.data() == null ? new JsonObject() : e.data()))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new AuditEvent(r.getLong("id"), e.aggregateType(), e.aggregateId(), e.eventType(), e.actorId(),
              e.data(), Rows.instant(r, "occurred_at"));
        });
  }

  /** Newest first; the cursor is the id of the last event seen. */
  public Future<Page<AuditEvent>> list(SqlClient sql, String aggregateType, UUID aggregateId, int limit,
      Optional<String> cursor) {
    Long before = cursor.map(AuditEventStore::decode).orElse(null);
    return sql.preparedQuery("""
            SELECT id, aggregate_type, aggregate_id, event_type, actor_id, data, occurred_at FROM audit_events
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND ($3::bigint IS NULL OR id < $3)
             ORDER BY id DESC LIMIT $4""")
        .execute(Tuple.of(aggregateType, aggregateId, before, limit + 1))
        .map(rows -> {
          List<AuditEvent> all = new ArrayList<>();
          for (Row r : rows) {
            Object data = r.getValue("data");
            all.add(new AuditEvent(r.getLong("id"), r.getString("aggregate_type"), r.getUUID("aggregate_id"),
                r.getString("event_type"), r.getUUID("actor_id"), data instanceof JsonObject j ? j : new JsonObject(),
                Rows.instant(r, "occurred_at")));
          }
          return Page.fromOverfetch(all, limit, last -> "e" + last.id());
        });
  }

  private static long decode(String cursor) {
    try {
      if (cursor.startsWith("e")) {
        return Long.parseLong(cursor.substring(1));
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GatewayException.invalid(List.of(new FieldError("cursor", "is not a cursor this API returned")));
  }
}
