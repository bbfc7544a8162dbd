package io.mcpgateway.management;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.ops.Health;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** The control plane: {@code /api/v1} for servers, presets, grants and API keys. Only wires. */
public final class ManagementVerticle extends VerticleBase {
  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;

  public ManagementVerticle(NodeSettings node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    pool = Database.pool(vertx, node.pg());
    Router router = Router.router(vertx);
    new Health(vertx).postgres(pool, config.database().timeout()).mount(router);
    router.route("/api/v1/*").handler(ctx -> Problems.send(ctx, ErrorCode.NOT_IMPLEMENTED,
        "the management API is not implemented yet"));
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Problems::handleFailure);
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().managementPort()))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(node.config().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> pool.close());
  }

  public int port() {
    return server.actualPort();
  }
}
