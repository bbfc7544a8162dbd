package io.mcpgateway.metrics;

import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.ops.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** Operations: the Prometheus scrape endpoint, health and readiness; later the tool-call metrics store. */
public final class MetricsVerticle extends VerticleBase {
  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;

  public MetricsVerticle(NodeSettings node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    pool = Database.pool(vertx, node.pg());
    Router router = Router.router(vertx);
    new Health(vertx).postgres(pool, config.database().timeout()).mount(router);
    router.get("/metrics").handler(ctx -> {
      if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry prometheus) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
      } else {
        Problems.send(ctx, ErrorCode.UNAVAILABLE, "metrics are not enabled on this node");
      }
    });
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Problems::handleFailure);
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.http().host())
            .setPort(config.http().metricsPort()))
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
