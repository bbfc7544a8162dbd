package io.mcpgateway.model.access;

import io.mcpgateway.model.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** Principals in PostgreSQL; first sight of an (issuer, subject) creates its record. */
public final class PrincipalStore {
  private static final String COLUMNS = "id, issuer, subject, email, display_name, is_admin, created_at";

  /**
   * Creates the principal or refreshes its profile claims and admin flag; returns the stored record.
   * Safe under concurrency: two first requests of one user yield one row.
   */
  public Future<Principal> upsert(SqlClient sql, String issuer, String subject, String email, String displayName,
      boolean admin) {
    return sql.preparedQuery("""
            INSERT INTO principals (id, issuer, subject, email, display_name, is_admin, last_seen_at)
            VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (issuer, subject) DO UPDATE
              SET email = COALESCE(EXCLUDED.email, principals.email),
                  display_name = COALESCE(EXCLUDED.display_name, principals.display_name),
                  is_admin = EXCLUDED.is_admin,
                  last_seen_at = now()
            RETURNING """ + " " + COLUMNS)
        .execute(Tuple.of(UUID.randomUUID(), issuer, subject, email, displayName, admin))
        .map(rows -> toPrincipal(rows.iterator().next()));
  }

  public Future<Optional<Principal>> findById(SqlClient sql, UUID id) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM principals WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toPrincipal(rows.iterator().next())));
  }

  public Future<Optional<Principal>> findByIdentity(SqlClient sql, String issuer, String subject) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM principals WHERE issuer = $1 AND subject = $2")
        .execute(Tuple.of(issuer, subject))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toPrincipal(rows.iterator().next())));
  }

  /** Every principal, newest first (admins pick grantees and key owners from it). */
  public Future<io.mcpgateway.model.Page<Principal>> list(SqlClient sql, int limit,
      Optional<io.mcpgateway.model.Cursor> after) {
    return sql.preparedQuery("SELECT " + COLUMNS + """
             FROM principals
            WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2))
            ORDER BY created_at DESC, id DESC
            LIMIT $3""")
        .execute(Tuple.of(after.map(c -> Rows.timestamp(c.at())).orElse(null), after.map(io.mcpgateway.model.Cursor::id).orElse(null),
            limit + 1))
        .map(rows -> {
          java.util.List<Principal> all = new java.util.ArrayList<>();
          rows.forEach(r -> all.add(toPrincipal(r)));
          return io.mcpgateway.model.Page.fromOverfetch(all, limit,
              last -> new io.mcpgateway.model.Cursor(last.createdAt(), last.id()).encode());
        });
  }

  static Principal toPrincipal(Row r) {
    return new Principal(r.getUUID("id"), r.getString("issuer"), r.getString("subject"), r.getString("email"),
        r.getString("display_name"), r.getBoolean("is_admin"), Rows.instant(r, "created_at"));
  }
}
