package io.mcpgateway.management.principal;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Validator;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/me} (who am I) and {@code /api/v1/principals} (admins create API-key-only users, whose ids
 * owners then use in access grants). OAuth users are created on first sign-in.
 */
public final class PrincipalRoutes {
  private final io.vertx.sqlclient.Pool pool;
  private final PrincipalStore principals = new PrincipalStore();
  private final Events events;

  public PrincipalRoutes(io.vertx.sqlclient.Pool pool, Events events) {
    this.pool = pool;
    this.events = events;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.GET, "/me", "principals", "The authenticated principal", null, 200, "Principal", false),
        (caller, ctx) -> Future.succeededFuture(Reply.ok(caller.principal().orElseThrow().toJson())));
    api.route(new Api.Operation(HttpMethod.GET, "/principals", "principals", "List principals (admins), to pick grantees and key owners", null, 200, "Principal", true), this::list);
    api.route(new Api.Operation(HttpMethod.POST, "/principals", "principals", "Create a local user (admins)", "PrincipalInput", 201, "Principal", false), this::create);
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    if (!caller.isAdmin()) {
      throw new GatewayException(ErrorCode.FORBIDDEN, "only administrators may list principals");
    }
    int limit = Api.limit(ctx);
    var after = Api.cursor(ctx).map(io.mcpgateway.model.Cursor::decode);
    return principals.list(pool, limit, after).map(page -> Reply.ok(Api.page(page, Principal::toJson)));
  }

  private Future<Reply> create(Caller caller, RoutingContext ctx) {
    if (!caller.isAdmin()) {
      throw new GatewayException(ErrorCode.FORBIDDEN, "only administrators may create principals");
    }
    JsonObject body = Api.body(ctx);
    String subject = Api.string(body, "subject");
    String email = Api.string(body, "email");
    String name = Api.string(body, "displayName");
    Object adminValue = body.getValue("admin", false);
    new Validator().text("subject", subject, 1, 200).optionalText("email", email, 320).optionalText("displayName", name, 200)
        .check(adminValue instanceof Boolean, "admin", "must be true or false").throwIfInvalid();
    return principals.findByIdentity(pool, Principal.LOCAL_ISSUER, subject).compose(existing -> existing.isPresent()
        ? Future.failedFuture(GatewayException.conflict("a principal with this subject already exists"))
        : events.commit(caller, conn -> principals.upsert(conn, Principal.LOCAL_ISSUER, subject, email, name, (Boolean) adminValue)
            .map(p -> new Events.Change<>(p, "principal", p.id(), "principal.created", p.toJson(), null, null))))
        .map(p -> Reply.created(p.toJson()));
  }
}
