package io.mcpgateway.model.server;

import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.WireEnum;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Rows;
import io.mcpgateway.model.db.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Upstream servers in PostgreSQL; their headers and environment are sealed with {@link SecretBox}. */
public final class UpstreamServerStore {
  private static final Map<String, String> CONFLICTS = Map.of(
      "upstream_servers_slug_unique", "a server with this slug already exists; choose another",
      "preset_servers_server_id_fkey", "the server is still linked to presets; unlink it from them first");
  private static final String COLUMNS = """
      id, slug, name, description, transport, url, command, args, secrets, owner_id, status, tool_call_timeout_ms,
      created_at, updated_at, private_network""";

  private final SecretBox secrets;

  public UpstreamServerStore(SecretBox secrets) {
    this.secrets = secrets;
  }

  public Future<UpstreamServer> insert(SqlClient sql, UpstreamServer s) {
    return SqlErrors.recover(sql.preparedQuery("""
            INSERT INTO upstream_servers (id, slug, name, description, transport, url, command, args, secrets, owner_id,
                                          status, tool_call_timeout_ms, private_network)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING """ + " " + COLUMNS)
        .execute(params(s))
        .map(rows -> toServer(rows.iterator().next())), CONFLICTS);
  }

  public Future<Optional<UpstreamServer>> update(SqlClient sql, UpstreamServer s) {
    return SqlErrors.recover(sql.preparedQuery("""
            UPDATE upstream_servers SET slug = $2, name = $3, description = $4, transport = $5, url = $6,
                   command = $7, args = $8, secrets = $9, owner_id = $10, status = $11, tool_call_timeout_ms = $12,
                   private_network = $13, updated_at = now()
             WHERE id = $1 RETURNING """ + " " + COLUMNS)
        .execute(params(s))
        .map(rows -> rows.size() == 0 ? Optional.<UpstreamServer>empty() : Optional.of(toServer(rows.iterator().next()))),
        CONFLICTS);
  }

  public Future<Boolean> delete(SqlClient sql, UUID id) {
    return SqlErrors.recover(sql.preparedQuery("DELETE FROM upstream_servers WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1), CONFLICTS);
  }

  public Future<Optional<UpstreamServer>> findById(SqlClient sql, UUID id) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM upstream_servers WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toServer(rows.iterator().next())));
  }

  /** Loads several servers in one query (the servers of one preset). */
  public Future<List<UpstreamServer>> findByIds(SqlClient sql, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM upstream_servers WHERE id = ANY($1) ORDER BY slug")
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(rows -> {
          List<UpstreamServer> out = new ArrayList<>();
          rows.forEach(r -> out.add(toServer(r)));
          return out;
        });
  }

  /** The servers a principal owns (every server for an admin), newest first. */
  public Future<Page<UpstreamServer>> list(SqlClient sql, UUID ownerId, boolean admin, int limit,
      Optional<Cursor> after) {
    return sql.preparedQuery("SELECT " + COLUMNS + """
             FROM upstream_servers
            WHERE ($1 OR owner_id = $2)
              AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
            ORDER BY created_at DESC, id DESC
            LIMIT $5""")
        .execute(Tuple.of(admin, ownerId, after.map(c -> Rows.timestamp(c.at())).orElse(null),
            after.map(Cursor::id).orElse(null), limit + 1))
        .map(rows -> {
          List<UpstreamServer> all = new ArrayList<>();
          rows.forEach(r -> all.add(toServer(r)));
          return Page.fromOverfetch(all, limit, last -> new Cursor(last.createdAt(), last.id()).encode());
        });
  }

  private Tuple params(UpstreamServer s) {
    byte[] sealed = s.secrets().isEmpty() ? null
        : secrets.seal(s.secrets().toJson().encode().getBytes(StandardCharsets.UTF_8), aad(s.id()));
    return Tuple.from(new Object[] {s.id(), s.slug(), s.name(), s.description(), s.transport().wire(), s.url(),
        s.command(), new JsonArray(s.args()), sealed == null ? null : Buffer.buffer(sealed), s.ownerId(),
        s.status().wire(), s.toolCallTimeout().map(d -> (int) d.toMillis()).orElse(null), s.privateNetwork()});
  }

  private UpstreamServer toServer(Row r) {
    UUID id = r.getUUID("id");
    Buffer sealed = r.getBuffer("secrets");
    UpstreamSecrets opened = sealed == null ? UpstreamSecrets.NONE
        : UpstreamSecrets.fromJson(new io.vertx.core.json.JsonObject(
            new String(secrets.open(sealed.getBytes(), aad(id)), StandardCharsets.UTF_8)));
    Object args = r.getValue("args");
    List<String> argList = new ArrayList<>();
    if (args instanceof JsonArray array) {
      array.forEach(a -> argList.add(String.valueOf(a)));
    }
    Integer timeout = r.getInteger("tool_call_timeout_ms");
    return new UpstreamServer(id, r.getString("slug"), r.getString("name"), r.getString("description"),
        WireEnum.of(Transport.class, r.getString("transport")), r.getString("url"), r.getString("command"),
        argList, opened, r.getUUID("owner_id"), WireEnum.of(ServerStatus.class, r.getString("status")),
        Optional.ofNullable(timeout).map(Duration::ofMillis), Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"), r.getBoolean("private_network"));
  }

  private static byte[] aad(UUID id) {
    return ("upstream_servers:" + id).getBytes(StandardCharsets.UTF_8);
  }
}
