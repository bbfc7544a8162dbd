package io.mcpgateway.gateway;

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

/** The data plane: serves each active preset as an MCP endpoint at {@code /mcp/{slug}}. Only wires. */
public final class GatewayVerticle extends VerticleBase {
  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;

  public GatewayVerticle(NodeSettings node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    pool = Database.pool(vertx, node.pg());
    Router router = Router.router(vertx);
    new Health(vertx).postgres(pool, config.database().timeout()).mount(router);
    router.route("/mcp/:slug").handler(ctx -> Problems.send(ctx, ErrorCode.NOT_IMPLEMENTED,
        "the MCP endpoint is not implemented yet"));
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Problems::handleFailure);
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().port()))
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

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }
}
