package io.mcpgateway.model.access;

import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.db.Rows;
import io.mcpgateway.model.db.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** API keys in PostgreSQL, found by their visible prefix. */
public final class ApiKeyStore {
  private static final String COLUMNS =
      "id, principal_id, name, prefix, key_hash, preset_ids, expires_at, revoked_at, created_at, last_used_at";

  public Future<ApiKey> insert(SqlClient sql, ApiKey k) {
    return SqlErrors.recover(sql.preparedQuery("""
            INSERT INTO api_keys (id, principal_id, name, prefix, key_hash, preset_ids, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING """ + " " + COLUMNS)
        .execute(Tuple.of(k.id(), k.principalId(), k.name(), k.prefix(), Buffer.buffer(k.hash()),
            k.presetIds().isEmpty() ? null : k.presetIds().toArray(UUID[]::new), Rows.timestamp(k.expiresAt())))
        .map(rows -> toKey(rows.iterator().next())),
        Map.of("api_keys_prefix_unique", "key prefix collision; try again"));
  }

  public Future<Optional<ApiKey>> findByPrefix(SqlClient sql, String prefix) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE prefix = $1")
        .execute(Tuple.of(prefix))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toKey(rows.iterator().next())));
  }

  public Future<Optional<ApiKey>> findById(SqlClient sql, UUID id) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toKey(rows.iterator().next())));
  }

  public Future<Page<ApiKey>> listByOwner(SqlClient sql, UUID principalId, int limit, Optional<Cursor> after) {
    return sql.preparedQuery("SELECT " + COLUMNS + """
             FROM api_keys
            WHERE principal_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
            ORDER BY created_at DESC, id DESC LIMIT $4""")
        .execute(Tuple.of(principalId, after.map(c -> Rows.timestamp(c.at())).orElse(null),
            after.map(Cursor::id).orElse(null), limit + 1))
        .map(rows -> {
          List<ApiKey> all = new ArrayList<>();
          rows.forEach(r -> all.add(toKey(r)));
          return Page.fromOverfetch(all, limit, last -> new Cursor(last.createdAt(), last.id()).encode());
        });
  }

  /** Marks a key revoked; false when it does not exist or was already revoked. */
  public Future<Boolean> revoke(SqlClient sql, UUID id) {
    return sql.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> touch(SqlClient sql, UUID id) {
    return sql.preparedQuery("UPDATE api_keys SET last_used_at = now() WHERE id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  private static ApiKey toKey(Row r) {
    UUID[] presets = r.getArrayOfUUIDs("preset_ids");
    return new ApiKey(r.getUUID("id"), r.getUUID("principal_id"), r.getString("name"), r.getString("prefix"),
        r.getBuffer("key_hash").getBytes(), presets == null ? List.of() : Arrays.asList(presets),
        Rows.instant(r, "expires_at"), Rows.instant(r, "revoked_at"), Rows.instant(r, "created_at"),
        Rows.instant(r, "last_used_at"));
  }
}
