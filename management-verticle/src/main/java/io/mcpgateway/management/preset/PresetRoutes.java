package io.mcpgateway.management.preset;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.management.audit.AuditRoutes;
import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.BusRequests;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.management.http.Ownership;
import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.WireEnum;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.audit.AuditEventStore;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetRules;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/v1/presets}: compose virtual MCP servers from upstream servers and their tools. */
public final class PresetRoutes {
  private final Vertx vertx;
  private final Pool pool;
  private final PresetStore presets = new PresetStore();
  private final UpstreamServerStore servers;
  private final AccessGrantStore grants = new AccessGrantStore();
  private final AuditEventStore audit = new AuditEventStore();
  private final Events events;

  public PresetRoutes(Vertx vertx, Pool pool, UpstreamServerStore servers, Events events) {
    this.vertx = vertx;
    this.pool = pool;
    this.servers = servers;
    this.events = events;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.POST, "/presets", "presets", "Create a preset", "PresetInput", 201, "Preset", false), this::create);
    api.route(new Api.Operation(HttpMethod.GET, "/presets", "presets", "List your presets and those shared with you", null, 200, "Preset", true), this::list);
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}", "presets", "Read a preset with its servers", null, 200, "Preset", false), this::get);
    api.route(new Api.Operation(HttpMethod.PATCH, "/presets/{id}", "presets", "Change a preset (incl. status)", "PresetInput", 200, "Preset", false), this::update);
    api.route(new Api.Operation(HttpMethod.DELETE, "/presets/{id}", "presets", "Delete a preset", null, 204, null, false), this::delete);
    api.route(new Api.Operation(HttpMethod.PUT, "/presets/{id}/servers/{serverId}", "presets", "Link a server, choosing its tools", "PresetServerInput", 200, "Preset", false), this::link);
    api.route(new Api.Operation(HttpMethod.DELETE, "/presets/{id}/servers/{serverId}", "presets", "Unlink a server", null, 204, null, false), this::unlink);
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/tools", "presets", "The exposed catalog with final names and collision notes", null, 200, "Catalog", false), this::tools);
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/prompts", "presets", "The exposed prompts with final names and collision notes", null, 200, "PromptCatalog", false),
        (caller, ctx) -> features(caller, ctx, "prompts"));
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/resources", "presets", "The exposed resources and resource templates with final URIs and collision notes", null, 200, "ResourceCatalog", false),
        (caller, ctx) -> features(caller, ctx, "resources", "resourceTemplates"));
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/events", "audit", "The preset's audit trail, newest first (query: type prefix, actorId, from, to)", null, 200, "AuditEvent", true), this::events);
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/stats", "stats", "Usage statistics: totals, per tool and per server with p50/p95/p99, top callers, series (query: from, to, bucket=minute|hour|day)", null, 200, "Stats", false), this::stats);
  }

  private Future<Reply> create(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    Preset preset = fromInput(body, null, Ownership.self(caller));
    return events.commit(caller, conn -> presets.insert(conn, preset).map(saved -> new Events.Change<>(saved, "preset",
            saved.id(), "preset.created", new JsonObject().put("after", saved.toJson()), Addresses.PRESET_CHANGED,
            new PresetChanged(saved.id(), saved.slug(), Change.CREATED).toJson())))
        .map(saved -> Reply.created(saved.toJson()));
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    int limit = Api.limit(ctx);
    Optional<Cursor> after = Api.cursor(ctx).map(Cursor::decode);
    return presets.listAccessible(pool, Ownership.self(caller), caller.isAdmin(), limit, after)
        .map(page -> Reply.ok(Api.page(page, Preset::toJson)));
  }

  private Future<Reply> get(Caller caller, RoutingContext ctx) {
    return readable(caller, Api.pathId(ctx, "id")).map(p -> Reply.ok(p.toJson()));
  }

  private Future<Reply> update(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    return managed(caller, Api.pathId(ctx, "id")).compose(before -> {
      Preset after = fromInput(before.toJson().mergeIn(body), before, before.ownerId());
      return events.commit(caller, conn -> presets.update(conn, after).compose(updated -> updated
          ? presets.findById(conn, after.id()).map(Optional::orElseThrow)
          : Future.failedFuture(GatewayException.notFound("preset")))
          .map(saved -> new Events.Change<>(saved, "preset", saved.id(), "preset.updated",
              new JsonObject().put("before", summary(before)).put("after", summary(saved)), Addresses.PRESET_CHANGED,
              new PresetChanged(saved.id(), saved.slug(), Change.UPDATED).toJson())));
    }).map(saved -> Reply.ok(saved.toJson()));
  }

  private Future<Reply> delete(Caller caller, RoutingContext ctx) {
    return managed(caller, Api.pathId(ctx, "id"))
        .compose(before -> events.commit(caller, conn -> presets.delete(conn, before.id()).map(deleted ->
            new Events.Change<>(deleted, "preset", before.id(), "preset.deleted", new JsonObject().put("before", summary(before)),
                Addresses.PRESET_CHANGED, new PresetChanged(before.id(), before.slug(), Change.DELETED).toJson()))))
        .map(v -> Reply.noContent());
  }

  /** PUT a link: a server the caller owns (or any, for admins), at most 20 per preset. */
  private Future<Reply> link(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    UUID serverId = Api.pathId(ctx, "serverId");
    Object enabledValue = body.getValue("enabled", true);
    if (!(enabledValue instanceof Boolean enabled)) {
      throw GatewayException.invalid(List.of(new FieldError("enabled", "must be true or false")));
    }
    List<String> allowList = orEmpty(Api.strings(body, "allowedToolNames"));
    List<String> prompts = orEmpty(Api.strings(body, "allowedPromptNames"));
    List<String> resources = orEmpty(Api.strings(body, "allowedResourceUris"));
    PresetRules.validateAllowLists(allowList, prompts, resources);
    return managed(caller, Api.pathId(ctx, "id")).compose(before -> servers.findById(pool, serverId).compose(server -> {
      if (server.isEmpty() || !Ownership.manages(caller, server.get().ownerId())) {
        return Future.failedFuture(GatewayException.notFound("server"));
      }
      boolean isNew = before.server(serverId).isEmpty();
      if (isNew) {
        PresetRules.checkServerCount(before.servers().size() + 1);
      }
      return events.commit(caller, conn -> lockAndCount(conn, before.id()).compose(count -> {
        if (isNew) {
          PresetRules.checkServerCount(count + 1);
        }
        return presets.upsertLink(conn, before.id(), serverId, enabled, allowList, prompts, resources);
      }).compose(v -> presets.findById(conn, before.id()).map(Optional::orElseThrow))
          .map(saved -> new Events.Change<>(saved, "preset", saved.id(), isNew ? "preset.server_linked" : "preset.server_updated",
              new JsonObject().put("serverId", serverId.toString()).put("serverSlug", server.get().slug())
                  .put("before", before.server(serverId).map(PresetRoutes::linkJson).orElse(null))
                  .put("after", saved.server(serverId).map(PresetRoutes::linkJson).orElse(null)),
              Addresses.PRESET_CHANGED, new PresetChanged(saved.id(), saved.slug(), Change.UPDATED).toJson())));
    })).map(saved -> Reply.ok(saved.toJson()));
  }

  /** Serializes concurrent link changes of one preset so the 20-server rule holds under races. */
  private Future<Integer> lockAndCount(io.vertx.sqlclient.SqlConnection conn, UUID presetId) {
    return conn.preparedQuery("SELECT id FROM presets WHERE id = $1 FOR UPDATE").execute(io.vertx.sqlclient.Tuple.of(presetId))
        .compose(r -> conn.preparedQuery("SELECT count(*) AS n FROM preset_servers WHERE preset_id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(presetId)))
        .map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  private Future<Reply> unlink(Caller caller, RoutingContext ctx) {
    UUID serverId = Api.pathId(ctx, "serverId");
    return managed(caller, Api.pathId(ctx, "id")).compose(before -> {
      if (before.server(serverId).isEmpty()) {
        return Future.failedFuture(GatewayException.notFound("server link"));
      }
      return events.commit(caller, conn -> presets.deleteLink(conn, before.id(), serverId).map(removed ->
          new Events.Change<>(removed, "preset", before.id(), "preset.server_unlinked",
              new JsonObject().put("serverId", serverId.toString()).put("before", linkJson(before.server(serverId).get())),
              Addresses.PRESET_CHANGED, new PresetChanged(before.id(), before.slug(), Change.UPDATED).toJson())));
    }).map(v -> Reply.noContent());
  }

  private Future<Reply> tools(Caller caller, RoutingContext ctx) {
    return readable(caller, Api.pathId(ctx, "id"))
        .compose(p -> BusRequests.request(vertx, Addresses.PRESET_TOOLS, new JsonObject().put("presetId", p.id().toString()),
            15_000, "gateway"))
        .map(Reply::ok);
  }

  /** The named lists of the preset's exposed features, with the notes of those lists only. */
  private Future<Reply> features(Caller caller, RoutingContext ctx, String... lists) {
    return readable(caller, Api.pathId(ctx, "id"))
        .compose(p -> BusRequests.request(vertx, Addresses.PRESET_FEATURES, new JsonObject().put("presetId", p.id().toString()),
            15_000, "gateway"))
        .map(all -> {
          JsonObject notes = all.getJsonObject("notes", new JsonObject());
          io.vertx.core.json.JsonArray picked = new io.vertx.core.json.JsonArray();
          for (String list : lists) {
            picked.addAll(notes.getJsonArray(list, new io.vertx.core.json.JsonArray()));
          }
          return Reply.ok(BusRequests.pick(all, lists).put("notes", picked).put("unavailable", all.getValue("unavailable")));
        });
  }

  private Future<Reply> events(Caller caller, RoutingContext ctx) {
    return AuditRoutes.trailOf(pool, audit, ctx, "preset", () -> managed(caller, Api.pathId(ctx, "id")).map(Preset::id));
  }

  /** Validates the window and forwards to the metrics verticle, which computes the numbers in SQL. */
  private Future<Reply> stats(Caller caller, RoutingContext ctx) {
    Instant to = instant(ctx, "to", Instant.now());
    Instant from = instant(ctx, "from", to.minusSeconds(24 * 3600));
    String bucket = Optional.ofNullable(ctx.queryParams().get("bucket")).orElse("hour");
    var v = new io.mcpgateway.model.Validator()
        .check(from.isBefore(to), "from", "must be before to")
        .check(java.time.Duration.between(from, to).toDays() <= 92, "to", "the window can span at most 92 days")
        .check(List.of("minute", "hour", "day").contains(bucket), "bucket", "must be \"minute\", \"hour\" or \"day\"")
        // Minute buckets over months would be a six-figure series: keep them to a week.
        .check(!bucket.equals("minute") || java.time.Duration.between(from, to).toDays() <= 7, "bucket",
            "minute buckets cover at most 7 days; use \"hour\" or \"day\" for longer windows");
    v.throwIfInvalid();
    return managed(caller, Api.pathId(ctx, "id"))
        .compose(p -> BusRequests.request(vertx, Addresses.METRICS_STATS, new JsonObject()
            .put("presetId", p.id().toString()).put("from", from.toString()).put("to", to.toString()).put("bucket", bucket),
            10_000, "metrics service"))
        .map(Reply::ok);
  }

  private static Instant instant(RoutingContext ctx, String param, Instant fallback) {
    String raw = ctx.queryParams().get(param);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw GatewayException.invalid(List.of(new FieldError(param, "must be an ISO-8601 instant such as 2026-11-24T10:00:00Z")));
    }
  }

  /** Readable: owner, admin, or a principal the preset was shared with. */
  private Future<Preset> readable(Caller caller, UUID id) {
    return presets.findById(pool, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(GatewayException.notFound("preset"));
      }
      Preset p = found.get();
      if (Ownership.manages(caller, p.ownerId())) {
        return Future.succeededFuture(p);
      }
      return grants.isGranted(pool, p.id(), Ownership.self(caller))
          .compose(ok -> ok ? Future.succeededFuture(p) : Future.failedFuture(GatewayException.notFound("preset")));
    });
  }

  /** Manageable: owner or admin; others get 404 (or 403 when the preset was shared with them). */
  private Future<Preset> managed(Caller caller, UUID id) {
    return readable(caller, id).compose(p -> Ownership.manages(caller, p.ownerId()) ? Future.succeededFuture(p)
        : Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN, "only the owner of preset \"" + p.slug()
            + "\" or an administrator can change it")));
  }

  private static Preset fromInput(JsonObject body, Preset before, UUID owner) {
    String visibilityName = Api.string(body, "visibility");
    Optional<Visibility> visibility = WireEnum.find(Visibility.class, visibilityName);
    String statusName = Api.string(body, "status");
    Optional<PresetStatus> status = statusName == null ? Optional.of(PresetStatus.ACTIVE) : WireEnum.find(PresetStatus.class, statusName);
    Object rawMetadata = body.getValue("metadata");
    var v = new io.mcpgateway.model.Validator()
        .check(rawMetadata == null || rawMetadata instanceof JsonObject, "metadata", "must be a JSON object")
        .check(visibility.isPresent(), "visibility", "must be " + WireEnum.accepted(Visibility.class)
            + " (got " + (visibilityName == null ? "nothing" : "\"" + visibilityName + "\"") + ")")
        .check(status.isPresent(), "status", "must be " + WireEnum.accepted(PresetStatus.class));
    String slug = Api.string(body, "slug");
    String name = Api.string(body, "name");
    String description = Api.string(body, "description");
    Integer rate = Api.integer(body, "rateLimitPerMinute");
    Api.validate(v, () -> PresetRules.validate(slug, name, description, rate));
    JsonObject metadata = body.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
    return new Preset(before == null ? UUID.randomUUID() : before.id(), slug, name, description, visibility.get(),
        status.get(), rate, owner, metadata, null, null, before == null ? List.of() : before.servers());
  }

  private static JsonObject summary(Preset p) {
    JsonObject json = p.toJson();
    json.remove("servers");
    json.remove("createdAt");
    json.remove("updatedAt");
    return json;
  }

  private static JsonObject linkJson(PresetServer s) {
    return new JsonObject().put("enabled", s.enabled())
        .put("allowedToolNames", new io.vertx.core.json.JsonArray(s.allowedToolNames()))
        .put("allowedPromptNames", new io.vertx.core.json.JsonArray(s.allowedPromptNames()))
        .put("allowedResourceUris", new io.vertx.core.json.JsonArray(s.allowedResourceUris()));
  }

  /** A missing allow-list is the empty one: everything of that kind is exposed. */
  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }
}
