package io.mcpgateway.management;

import io.mcpgateway.management.access.AccessRoutes;
import io.mcpgateway.management.apikey.ApiKeyRoutes;
import io.mcpgateway.management.audit.AuditRoutes;
import io.mcpgateway.management.console.ConsoleRoutes;
import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.management.openapi.OpenApiDocument;
import io.mcpgateway.management.preset.PresetRoutes;
import io.mcpgateway.management.principal.PrincipalRoutes;
import io.mcpgateway.management.server.ServerRoutes;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.http.ConnectionGuard;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.identity.BearerAuthenticator;
import io.mcpgateway.model.ops.Health;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The control plane: {@code /api/v1} for servers, presets, grants and API keys, and the web console at {@code /}. Only wires. */
public final class ManagementVerticle extends VerticleBase {
  /** Rejected credentials per client address and minute before /api/v1 answers 429 (docs/IDENTITY.md). */
  public static final int LOGIN_MAX_FAILURES = 10;

  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;
  private List<Api.Operation> operations = List.of();
  private Router router;
  private ConnectionGuard guard;

  public ManagementVerticle(NodeSettings node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    pool = Database.pool(vertx, node.pg());
    return BearerAuthenticator.create(vertx, pool, config).compose(authenticator -> {
      mount(config, authenticator);
      guard = new ConnectionGuard(vertx, "management", ConnectionGuard.Limits.of(config.http().connections()));
      return guard.listen(new HttpServerOptions()
          .setHost(config.http().managementHost())
          .setPort(config.http().managementPort()), router);
    }).onSuccess(s -> server = s);
  }

  private void mount(io.mcpgateway.config.GatewayConfig config, BearerAuthenticator authenticator) {
    router = Router.router(vertx);
    var console = new ConsoleRoutes(config);
    console.mountHeaders(router);
    Health health = new Health(vertx).postgres(pool, config.database().timeout());
    authenticator.oauthStatus().ifPresent(s -> health.info("oauth-issuer", () -> authenticator.oauthStatus().orElseThrow()));
    health.mount(router);
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
    var api = new Api(router, authenticator, config.security().oauth().managementScopes(),
        new io.mcpgateway.model.net.FailureThrottle(LOGIN_MAX_FAILURES, java.time.Duration.ofMinutes(1)));
    var events = new Events(vertx, pool);
    var servers = new UpstreamServerStore(node.secrets());
    new ServerRoutes(vertx, pool, servers, config, events).mount(api);
    new PresetRoutes(vertx, pool, servers, events).mount(api);
    new AccessRoutes(pool, events).mount(api);
    new ApiKeyRoutes(pool, events).mount(api);
    new PrincipalRoutes(pool, events).mount(api);
    new AuditRoutes(pool).mount(api);
    console.mountApi(api);
    operations = api.operations();
    JsonObject openApi = OpenApiDocument.build(operations, "/api/v1");
    router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(openApi.encodePrettily()));
    console.mountStatic(router);
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Api::failureHandler);
  }

  /** The documented operations, as mounted. */
  public List<Api.Operation> operations() {
    return operations;
  }

  /** Every route the router really has under /api/v1, as "METHOD path" (for the OpenAPI coverage test). */
  public List<String> mountedRoutes() {
    List<String> out = new java.util.ArrayList<>();
    for (var route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/api/v1/") || route.methods() == null) {
        continue;
      }
      route.methods().forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(node.config().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> {
      if (guard != null) {
        guard.close();
      }
      return pool.close();
    });
  }

  public int port() {
    return server.actualPort();
  }
}
