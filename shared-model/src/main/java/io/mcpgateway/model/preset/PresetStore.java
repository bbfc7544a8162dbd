package io.mcpgateway.model.preset;

import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.WireEnum;
import io.mcpgateway.model.db.Rows;
import io.mcpgateway.model.db.SqlErrors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Presets and their server links in PostgreSQL. Every read of a preset brings its links in the same
 * query (one JOIN). Methods take the {@link SqlClient} to run on, so callers can group writes in a
 * transaction with their audit event.
 */
public final class PresetStore {
  private static final Map<String, String> CONFLICTS = Map.of(
      "presets_slug_unique", "a preset with this slug already exists; slugs are global, choose another",
      "preset_servers_server_id_fkey", "no such server");

  private static final String SELECT_WITH_LINKS = """
      SELECT p.id, p.slug, p.name, p.description, p.visibility, p.status, p.rate_limit_per_minute, p.owner_id,
             p.metadata, p.created_at, p.updated_at,
             ps.server_id, s.slug AS server_slug, ps.enabled, ps.allowed_tool_names, ps.allowed_prompt_names,
             ps.allowed_resource_uris, ps.linked_at
        FROM %s p
        LEFT JOIN preset_servers ps ON ps.preset_id = p.id
        LEFT JOIN upstream_servers s ON s.id = ps.server_id
      """;

  public Future<Preset> insert(SqlClient sql, Preset p) {
    return SqlErrors.recover(sql.preparedQuery("""
            INSERT INTO presets (id, slug, name, description, visibility, status, rate_limit_per_minute, owner_id, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            RETURNING created_at, updated_at""")
        .execute(Tuple.from(new Object[] {p.id(), p.slug(), p.name(), p.description(), p.visibility().wire(),
            p.status().wire(), p.rateLimitPerMinute(), p.ownerId(), p.metadata()}))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Preset(p.id(), p.slug(), p.name(), p.description(), p.visibility(), p.status(),
              p.rateLimitPerMinute(), p.ownerId(), p.metadata(), Rows.instant(r, "created_at"),
              Rows.instant(r, "updated_at"), List.of());
        }), CONFLICTS);
  }

  /** Replaces the editable fields; returns false when the preset is gone. */
  public Future<Boolean> update(SqlClient sql, Preset p) {
    return SqlErrors.recover(sql.preparedQuery("""
            UPDATE presets SET slug = $2, name = $3, description = $4, visibility = $5, status = $6,
                   rate_limit_per_minute = $7, metadata = $8, updated_at = now()
             WHERE id = $1""")
        .execute(Tuple.from(new Object[] {p.id(), p.slug(), p.name(), p.description(), p.visibility().wire(),
            p.status().wire(), p.rateLimitPerMinute(), p.metadata()}))
        .map(rows -> rows.rowCount() == 1), CONFLICTS);
  }

  public Future<Boolean> delete(SqlClient sql, UUID id) {
    return SqlErrors.recover(sql.preparedQuery("DELETE FROM presets WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1), CONFLICTS);
  }

  public Future<Optional<Preset>> findById(SqlClient sql, UUID id) {
    return sql.preparedQuery(SELECT_WITH_LINKS.formatted("presets") + " WHERE p.id = $1 ORDER BY ps.linked_at, s.slug")
        .execute(Tuple.of(id))
        .map(rows -> assemble(rows).stream().findFirst());
  }

  /** The data plane's lookup; callers check {@link Preset#active()}. */
  public Future<Optional<Preset>> findBySlug(SqlClient sql, String slug) {
    return sql.preparedQuery(SELECT_WITH_LINKS.formatted("presets") + " WHERE p.slug = $1 ORDER BY ps.linked_at, s.slug")
        .execute(Tuple.of(slug))
        .map(rows -> assemble(rows).stream().findFirst());
  }

  /**
   * Presets the principal owns or was granted (all presets for an admin), newest first, with their
   * links, one page per call.
   */
  public Future<Page<Preset>> listAccessible(SqlClient sql, UUID principalId, boolean admin, int limit,
      Optional<Cursor> after) {
    String page = """
        (SELECT * FROM presets q
          WHERE ($1 OR q.owner_id = $2
                 OR EXISTS (SELECT 1 FROM preset_access a WHERE a.preset_id = q.id AND a.principal_id = $2))
            AND ($3::timestamptz IS NULL OR (q.created_at, q.id) < ($3, $4))
          ORDER BY q.created_at DESC, q.id DESC
          LIMIT $5)""";
    Tuple args = Tuple.of(admin, principalId, after.map(c -> Rows.timestamp(c.at())).orElse(null),
        after.map(Cursor::id).orElse(null), limit + 1);
    return sql.preparedQuery(SELECT_WITH_LINKS.formatted(page)
            + " ORDER BY p.created_at DESC, p.id DESC, ps.linked_at, s.slug")
        .execute(args)
        .map(rows -> {
          return Page.fromOverfetch(assemble(rows), limit, p -> new Cursor(p.createdAt(), p.id()).encode());
        });
  }

  /** Links a server to a preset exposing all its prompts and resources (see the full overload). */
  public Future<Void> upsertLink(SqlClient sql, UUID presetId, UUID serverId, boolean enabled,
      List<String> allowedToolNames) {
    return upsertLink(sql, presetId, serverId, enabled, allowedToolNames, List.of(), List.of());
  }

  /** Links a server to a preset, or updates the existing link in place (keeping its order). Empty lists = all. */
  public Future<Void> upsertLink(SqlClient sql, UUID presetId, UUID serverId, boolean enabled,
      List<String> allowedToolNames, List<String> allowedPromptNames, List<String> allowedResourceUris) {
    return SqlErrors.recover(sql.preparedQuery("""
            INSERT INTO preset_servers (preset_id, server_id, enabled, allowed_tool_names, allowed_prompt_names,
                                        allowed_resource_uris)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (preset_id, server_id)
            DO UPDATE SET enabled = EXCLUDED.enabled, allowed_tool_names = EXCLUDED.allowed_tool_names,
                          allowed_prompt_names = EXCLUDED.allowed_prompt_names,
                          allowed_resource_uris = EXCLUDED.allowed_resource_uris""")
        .execute(Tuple.of(presetId, serverId, enabled, allowedToolNames.toArray(String[]::new),
            allowedPromptNames.toArray(String[]::new), allowedResourceUris.toArray(String[]::new)))
        .<Void>mapEmpty(), CONFLICTS);
  }

  public Future<Boolean> deleteLink(SqlClient sql, UUID presetId, UUID serverId) {
    return sql.preparedQuery("DELETE FROM preset_servers WHERE preset_id = $1 AND server_id = $2")
        .execute(Tuple.of(presetId, serverId))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Ids and slugs of the presets that link a server: whose catalogs change when the server does. */
  public Future<Map<UUID, String>> presetsUsingServer(SqlClient sql, UUID serverId) {
    return sql.preparedQuery("""
            SELECT p.id, p.slug FROM preset_servers ps JOIN presets p ON p.id = ps.preset_id
             WHERE ps.server_id = $1 ORDER BY p.slug""")
        .execute(Tuple.of(serverId))
        .map(rows -> {
          Map<UUID, String> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getUUID("id"), r.getString("slug")));
          return out;
        });
  }

  /** Groups JOIN rows (one per link, or one with null link columns) into presets, keeping row order. */
  private static List<Preset> assemble(RowSet<Row> rows) {
    Map<UUID, Preset> presets = new LinkedHashMap<>();
    Map<UUID, List<PresetServer>> links = new LinkedHashMap<>();
    for (Row r : rows) {
      UUID id = r.getUUID("id");
      presets.computeIfAbsent(id, k -> preset(r));
      List<PresetServer> list = links.computeIfAbsent(id, k -> new ArrayList<>());
      UUID serverId = r.getUUID("server_id");
      if (serverId != null) {
        list.add(new PresetServer(serverId, r.getString("server_slug"), r.getBoolean("enabled"),
            Rows.strings(r, "allowed_tool_names"), Rows.strings(r, "allowed_prompt_names"),
            Rows.strings(r, "allowed_resource_uris"), Rows.instant(r, "linked_at")));
      }
    }
    List<Preset> out = new ArrayList<>(presets.size());
    presets.forEach((id, p) -> out.add(p.withServers(links.get(id))));
    return out;
  }

  private static Preset preset(Row r) {
    Object metadata = r.getValue("metadata");
    return new Preset(
        r.getUUID("id"),
        r.getString("slug"),
        r.getString("name"),
        r.getString("description"),
        WireEnum.of(Visibility.class, r.getString("visibility")),
        WireEnum.of(PresetStatus.class, r.getString("status")),
        r.getInteger("rate_limit_per_minute"),
        r.getUUID("owner_id"),
        metadata instanceof JsonObject json ? json : new JsonObject(),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"),
        List.of());
  }
}
