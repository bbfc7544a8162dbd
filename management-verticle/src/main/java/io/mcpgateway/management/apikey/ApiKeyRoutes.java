package io.mcpgateway.management.apikey;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.management.http.Ownership;
import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Validator;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.ApiKeyStore;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ApiKeyRevoked;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/v1/api-keys}: create (the key is shown once; only its prefix and hash are stored), list and
 * revoke keys. Admins may issue keys for another principal ({@code principalId}).
 */
public final class ApiKeyRoutes {
  private final Pool pool;
  private final ApiKeyStore keys = new ApiKeyStore();
  private final PrincipalStore principals = new PrincipalStore();
  private final PresetStore presets = new PresetStore();
  private final AccessGrantStore grants = new AccessGrantStore();
  private final Events events;

  public ApiKeyRoutes(Pool pool, Events events) {
    this.pool = pool;
    this.events = events;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.POST, "/api-keys", "api-keys", "Create an API key (the key is shown once)", "ApiKeyInput", 201, "ApiKeyCreated", false), this::create);
    api.route(new Api.Operation(HttpMethod.GET, "/api-keys", "api-keys", "List your API keys (admins: ?principalId=)", null, 200, "ApiKey", true), this::list);
    api.route(new Api.Operation(HttpMethod.DELETE, "/api-keys/{id}", "api-keys", "Revoke an API key at once", null, 204, null, false), this::revoke);
  }

  private Future<Reply> create(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String name = Api.string(body, "name");
    new Validator().text("name", name, 1, 100).throwIfInvalid();
    List<UUID> presetIds = uuids("presetIds", Api.strings(body, "presetIds"));
    Instant expiresAt = expiry(Api.string(body, "expiresAt"));
    UUID owner = Ownership.self(caller);
    String requestedOwner = Api.string(body, "principalId");
    if (requestedOwner != null) {
      if (!caller.isAdmin()) {
        throw new GatewayException(ErrorCode.FORBIDDEN, "only administrators may create keys for other principals");
      }
      owner = uuids("principalId", List.of(requestedOwner)).get(0);
    }
    UUID keyOwner = owner;
    String key = ApiKeys.generate();
    ApiKey record = new ApiKey(UUID.randomUUID(), keyOwner, name.strip(), ApiKeys.prefix(key).orElseThrow(), ApiKeys.hash(key),
        presetIds, expiresAt, null, null, null);
    return principals.findById(pool, keyOwner).compose(p -> p.isPresent() ? Future.succeededFuture()
            : Future.failedFuture(GatewayException.notFound("principal")))
        .compose(v -> usablePresets(caller, keyOwner, presetIds))
        .compose(v -> events.commit(caller, conn -> keys.insert(conn, record).map(saved -> new Events.Change<>(saved,
            "api_key", saved.id(), "api_key.created", new JsonObject().put("name", saved.name()).put("prefix", saved.prefix())
                .put("principalId", saved.principalId().toString()), null, null))))
        .map(saved -> Reply.created(saved.toJson().put("key", key)));
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    int limit = Api.limit(ctx);
    Optional<Cursor> after = Api.cursor(ctx).map(Cursor::decode);
    UUID owner = Ownership.self(caller);
    String requested = ctx.queryParams().get("principalId");
    if (requested != null && caller.isAdmin()) {
      owner = uuids("principalId", List.of(requested)).get(0);
    }
    return keys.listByOwner(pool, owner, limit, after).map(page -> Reply.ok(Api.page(page, ApiKey::toJson)));
  }

  private Future<Reply> revoke(Caller caller, RoutingContext ctx) {
    UUID id = Api.pathId(ctx, "id");
    return keys.findById(pool, id).compose(found -> {
      if (found.isEmpty() || !Ownership.manages(caller, found.get().principalId())) {
        return Future.failedFuture(GatewayException.notFound("API key"));
      }
      ApiKey key = found.get();
      return events.commit(caller, conn -> keys.revoke(conn, id).map(revoked -> new Events.Change<>(revoked, "api_key", id,
          "api_key.revoked", new JsonObject().put("prefix", key.prefix()), Addresses.API_KEY_REVOKED,
          new ApiKeyRevoked(id, key.prefix()).toJson())));
    }).map(v -> Reply.noContent());
  }

  /**
   * A key may be restricted only to presets its owner can use (public, own, or shared with them); anything
   * else is reported per index without saying whether the preset exists.
   */
  private Future<Void> usablePresets(Caller caller, UUID keyOwner, List<UUID> presetIds) {
    List<Future<Boolean>> checks = new ArrayList<>();
    for (UUID id : presetIds) {
      checks.add(presets.findById(pool, id).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(false);
        }
        Preset p = found.get();
        if (caller.isAdmin() || p.ownerId().equals(keyOwner) || p.visibility() == Visibility.PUBLIC) {
          return Future.succeededFuture(true);
        }
        return grants.isGranted(pool, id, keyOwner);
      }));
    }
    return Future.all(checks).compose(all -> {
      var v = new Validator();
      for (int i = 0; i < checks.size(); i++) {
        v.check(checks.get(i).result(), "presetIds[" + i + "]", "is not a preset the key's owner can use");
      }
      v.throwIfInvalid();
      return Future.<Void>succeededFuture();
    });
  }

  private static List<UUID> uuids(String field, List<String> raw) {
    List<UUID> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    for (int i = 0; i < raw.size(); i++) {
      try {
        out.add(UUID.fromString(raw.get(i)));
      } catch (RuntimeException e) {
        throw GatewayException.invalid(List.of(new FieldError(raw.size() == 1 && !field.equals("presetIds") ? field
            : field + "[" + i + "]", "must be a UUID")));
      }
    }
    return out;
  }

  private static Instant expiry(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      Instant at = Instant.parse(raw);
      if (!at.isAfter(Instant.now())) {
        throw GatewayException.invalid(List.of(new FieldError("expiresAt", "must be in the future")));
      }
      return at;
    } catch (DateTimeParseException e) {
      throw GatewayException.invalid(List.of(new FieldError("expiresAt", "must be an ISO-8601 instant")));
    }
  }
}
