package io.mcpgateway.management.access;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.management.http.Ownership;
import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.bus.AccessChanged;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/v1/presets/{id}/access}: who may use an {@code invite_only} preset besides its owner. */
public final class AccessRoutes {
  private final Pool pool;
  private final PresetStore presets = new PresetStore();
  private final PrincipalStore principals = new PrincipalStore();
  private final AccessGrantStore grants = new AccessGrantStore();
  private final Events events;

  public AccessRoutes(Pool pool, Events events) {
    this.pool = pool;
    this.events = events;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.GET, "/presets/{id}/access", "access", "List the principals granted access", null, 200, "AccessGrant", true), this::list);
    api.route(new Api.Operation(HttpMethod.POST, "/presets/{id}/access", "access", "Grant a principal access", "AccessGrantInput", 201, "AccessGrant", false), this::grant);
    api.route(new Api.Operation(HttpMethod.DELETE, "/presets/{id}/access/{principalId}", "access", "Revoke a principal's access", null, 204, null, false), this::revoke);
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    int limit = Api.limit(ctx);
    Optional<Cursor> after = Api.cursor(ctx).map(Cursor::decode);
    return owned(caller, Api.pathId(ctx, "id")).compose(p -> grants.list(pool, p.id(), limit, after))
        .map(page -> Reply.ok(Api.page(page, io.mcpgateway.model.access.AccessGrant::toJson)));
  }

  private Future<Reply> grant(Caller caller, RoutingContext ctx) {
    String raw = Api.string(Api.body(ctx), "principalId");
    UUID principalId;
    try {
      principalId = UUID.fromString(String.valueOf(raw));
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalid(List.of(new FieldError("principalId", "must be a principal id (UUID)")));
    }
    return owned(caller, Api.pathId(ctx, "id")).compose(p -> principals.findById(pool, principalId).compose(found -> {
      if (p.visibility() != Visibility.INVITE_ONLY) {
        // A grant changes nothing for public (anyone) or private (owner only) presets: say so instead of storing it.
        return Future.failedFuture(GatewayException.ruleViolation("preset \"" + p.slug() + "\" is "
            + p.visibility().wire() + "; access grants apply to invite_only presets (PATCH its visibility first)"));
      }
      if (found.isEmpty()) {
        return Future.failedFuture(GatewayException.notFound("principal"));
      }
      // A duplicate grant fails inside the transaction: no audit event, no bus message.
      return events.commit(caller, conn -> grants.grant(conn, p.id(), principalId, Ownership.self(caller)).compose(g -> g.isEmpty()
          ? Future.failedFuture(GatewayException.conflict("this principal already has access"))
          : Future.succeededFuture(new Events.Change<>(g.get(), "preset", p.id(), "preset.access_granted",
              new JsonObject().put("principalId", principalId.toString()),
              Addresses.ACCESS_CHANGED, new AccessChanged(p.id(), principalId).toJson()))));
    })).map(grant -> Reply.created(grant.toJson()));
  }

  private Future<Reply> revoke(Caller caller, RoutingContext ctx) {
    UUID principalId = Api.pathId(ctx, "principalId");
    return owned(caller, Api.pathId(ctx, "id")).compose(p -> events.commit(caller, conn ->
            grants.revoke(conn, p.id(), principalId).compose(removed -> removed
                ? Future.succeededFuture(new Events.Change<>(true, "preset", p.id(), "preset.access_revoked",
                    new JsonObject().put("principalId", principalId.toString()), Addresses.ACCESS_CHANGED,
                    new AccessChanged(p.id(), principalId).toJson()))
                : Future.failedFuture(GatewayException.notFound("grant")))))
        .map(v -> Reply.noContent());
  }

  private Future<Preset> owned(Caller caller, UUID presetId) {
    return presets.findById(pool, presetId).compose(found -> found.isPresent() && Ownership.manages(caller, found.get().ownerId())
        ? Future.succeededFuture(found.get()) : Future.failedFuture(GatewayException.notFound("preset")));
  }
}
