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
    return list(sql, aggregateType, aggregateId, Filter.NONE, limit, cursor);
  }

  /**
   * What to keep of an aggregate's trail: {@code typePrefix} matches event types that start with it
   * ({@code "preset.server"} keeps links and unlinks), {@code actorId} one actor, {@code from}/{@code to} a window.
   */
  public record Filter(Optional<String> typePrefix, Optional<UUID> actorId, Optional<java.time.Instant> from,
      Optional<java.time.Instant> to) {
    public static final Filter NONE = new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Newest first, filtered; the cursor is the id of the last event seen. */
  public Future<Page<AuditEvent>> list(SqlClient sql, String aggregateType, UUID aggregateId, Filter filter, int limit,
      Optional<String> cursor) {
    return query(sql, "aggregate_type = $1 AND aggregate_id = $2", aggregateType, aggregateId, filter, limit, cursor);
  }

  /**
   * Across aggregates (the administrators' trail): {@code aggregateType}/{@code aggregateId} narrow it when given.
   * Newest first; served by the primary key, and by the aggregate index when an aggregate is named.
   */
  public Future<Page<AuditEvent>> search(SqlClient sql, Optional<String> aggregateType, Optional<UUID> aggregateId,
      Filter filter, int limit, Optional<String> cursor) {
    return query(sql, "($1::text IS NULL OR aggregate_type = $1) AND ($2::uuid IS NULL OR aggregate_id = $2)",
        aggregateType.orElse(null), aggregateId.orElse(null), filter, limit, cursor);
  }

  // The aggregate condition is one of two constants above (no caller text reaches the SQL); an exact aggregate
  // keeps its own statement so its plan uses the aggregate index.
  private Future<Page<AuditEvent>> query(SqlClient sql, String aggregate, String aggregateType, UUID aggregateId,
      Filter filter, int limit, Optional<String> cursor) {
    Long before = cursor.map(AuditEventStore::decode).orElse(null);
    // LIKE metacharacters in the prefix are escaped so "preset_x" matches itself, not "presetAx".
    String like = filter.typePrefix().map(t -> t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        .orElse(null);
    return sql.preparedQuery("""
            SELECT id, aggregate_type, aggregate_id, event_type, actor_id, data, occurred_at FROM audit_events
             WHERE\s""" + aggregate + """
               AND ($3::bigint IS NULL OR id < $3)
               AND ($5::text IS NULL OR event_type LIKE $5)
               AND ($6::uuid IS NULL OR actor_id = $6)
               AND ($7::timestamptz IS NULL OR occurred_at >= $7)
               AND ($8::timestamptz IS NULL OR occurred_at < $8)
             ORDER BY id DESC LIMIT $4""")
        .execute(Tuple.from(new Object[] {aggregateType, aggregateId, before, limit + 1, like,
            filter.actorId().orElse(null), filter.from().map(Rows::timestamp).orElse(null),
            filter.to().map(Rows::timestamp).orElse(null)}))
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
