package io.mcpgateway.model.access;

import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.db.Rows;
import io.mcpgateway.model.db.SqlErrors;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Grants on {@code invite_only} presets. */
public final class AccessGrantStore {
  private static final Map<String, String> CONFLICTS = Map.of(
      "preset_access_principal_id_fkey", "no such principal",
      "preset_access_preset_id_fkey", "no such preset");

  /** Grants access; returns the grant, or empty when it already existed. */
  public Future<Optional<AccessGrant>> grant(SqlClient sql, UUID presetId, UUID principalId, UUID grantedBy) {
    return SqlErrors.recover(sql.preparedQuery("""
            INSERT INTO preset_access (preset_id, principal_id, granted_by) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING RETURNING preset_id, principal_id, granted_by, granted_at""")
        .execute(Tuple.of(presetId, principalId, grantedBy))
        .map(rows -> rows.size() == 0 ? Optional.<AccessGrant>empty() : Optional.of(toGrant(rows.iterator().next()))),
        CONFLICTS);
  }

  public Future<Boolean> revoke(SqlClient sql, UUID presetId, UUID principalId) {
    return sql.preparedQuery("DELETE FROM preset_access WHERE preset_id = $1 AND principal_id = $2")
        .execute(Tuple.of(presetId, principalId))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> isGranted(SqlClient sql, UUID presetId, UUID principalId) {
    return sql.preparedQuery("SELECT 1 FROM preset_access WHERE preset_id = $1 AND principal_id = $2")
        .execute(Tuple.of(presetId, principalId))
        .map(rows -> rows.size() == 1);
  }

  public Future<Page<AccessGrant>> list(SqlClient sql, UUID presetId, int limit, Optional<Cursor> after) {
    return sql.preparedQuery("""
            SELECT preset_id, principal_id, granted_by, granted_at FROM preset_access
             WHERE preset_id = $1 AND ($2::timestamptz IS NULL OR (granted_at, principal_id) < ($2, $3))
             ORDER BY granted_at DESC, principal_id DESC LIMIT $4""")
        .execute(Tuple.of(presetId, after.map(c -> Rows.timestamp(c.at())).orElse(null),
            after.map(Cursor::id).orElse(null), limit + 1))
        .map(rows -> {
          List<AccessGrant> all = new ArrayList<>();
          rows.forEach(r -> all.add(toGrant(r)));
          return Page.fromOverfetch(all, limit, last -> new Cursor(last.grantedAt(), last.principalId()).encode());
        });
  }

  private static AccessGrant toGrant(Row r) {
    return new AccessGrant(r.getUUID("preset_id"), r.getUUID("principal_id"), r.getUUID("granted_by"),
        Rows.instant(r, "granted_at"));
  }
}
