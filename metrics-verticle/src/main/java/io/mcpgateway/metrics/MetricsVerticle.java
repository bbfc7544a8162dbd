package io.mcpgateway.metrics;

import io.mcpgateway.metrics.health.RedisReadiness;
import io.mcpgateway.metrics.ingest.MetricsBuffer;
import io.mcpgateway.metrics.ingest.MetricsIngestion;
import io.mcpgateway.metrics.partition.PartitionMaintenance;
import io.mcpgateway.metrics.stats.PresetStats;
import io.mcpgateway.metrics.stats.StatsQuery;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ToolCallBatch;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.http.ConnectionGuard;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.ops.Health;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations: stores tool-call events in batches, keeps the monthly partitions and the retention, answers
 * stats requests, and serves the Prometheus scrape endpoint with health and readiness. Only wires.
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);
  static final int BUFFER_CAPACITY = 100_000;
  static final int BATCH_SIZE = 500;

  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;
  private Redis redis;
  private MetricsIngestion ingestion;
  private long maintenanceTimer;
  private ConnectionGuard guard;

  public MetricsVerticle(NodeSettings node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    // Its own pool: at shutdown it drains after the data plane closed the node's shared pool.
    pool = Database.pool(vertx, node.pg(), "mgw-pg-metrics-" + node.pg().schema(), Math.min(4, node.pg().poolSize()));
    var buffer = new MetricsBuffer(BUFFER_CAPACITY);
    ingestion = new MetricsIngestion(vertx, pool, buffer, BATCH_SIZE, 1000);
    var stats = new PresetStats(pool);
    var partitions = new PartitionMaintenance(pool, config.metricsRetentionDays());
    registerMeters(buffer);

    // The data plane sends batches (ToolCallBatch); a single JSON event (ToolCallRecorded#toJson) is accepted too.
    ToolCallBatch.registerCodec(vertx);
    vertx.eventBus().<Object>consumer(Addresses.TOOL_CALL_RECORDED, m -> {
      try {
        if (m.body() instanceof ToolCallBatch batch) {
          batch.calls().forEach(ingestion::accept);
        } else if (m.body() instanceof JsonObject event) {
          ingestion.accept(ToolCallRecorded.fromJson(event));
        }
      } catch (RuntimeException e) {
        LOG.debug("ignoring a malformed tool-call event: {}", e.getMessage());
      }
    });
    vertx.eventBus().<JsonObject>consumer(Addresses.METRICS_STATS, m -> stats(stats, m));
    maintenanceTimer = vertx.setPeriodic(6 * 3600_000L, t -> partitions.run(Instant.now())
        .onFailure(e -> LOG.warn("metrics partition maintenance failed: {}", e.getMessage())));

    Router router = Router.router(vertx);
    Health health = new Health(vertx).postgres(pool, config.database().timeout());
    if (config.redisUrl().isPresent()) {
      redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redisUrl().get().toString()));
      RedisReadiness.register(health, redis, config.database().timeout());
    }
    health
        .info("metrics-buffer", () -> new JsonObject().put("depth", buffer.size()).put("dropped", buffer.dropped())
            .put("rejected", ingestion.rejected()))
        .mount(router);
    router.get("/metrics").handler(ctx -> {
      if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry prometheus) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
      } else {
        Problems.send(ctx, ErrorCode.UNAVAILABLE, "metrics are not enabled on this node");
      }
    });
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Problems::handleFailure);
    return partitions.run(Instant.now())
        .compose(o -> (guard = new ConnectionGuard(vertx, "metrics", ConnectionGuard.Limits.of(config.http().connections())))
            .listen(new HttpServerOptions()
                .setHost(config.http().metricsHost())
                .setPort(config.http().metricsPort()), router))
        .onSuccess(s -> server = s);
  }

  private void stats(PresetStats stats, Message<JsonObject> msg) {
    StatsQuery q;
    try {
      q = StatsQuery.fromJson(msg.body(), Instant.now());
    } catch (GatewayException e) {
      msg.fail(e.code().busCode(), e.getMessage());
      return;
    }
    stats.compute(q.presetId(), q.from(), q.to(), q.bucket())
        .onSuccess(msg::reply)
        .onFailure(e -> {
          LOG.warn("stats query for preset {} failed: {}", q.presetId(), e.getMessage());
          msg.fail(ErrorCode.UNAVAILABLE.busCode(), "usage statistics are unavailable right now (database error)");
        });
  }

  private void registerMeters(MetricsBuffer buffer) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return;
    }
    Gauge.builder("mgw_metrics_buffer_depth", buffer, MetricsBuffer::size)
        .description("Tool-call events waiting to be written").register(registry);
    FunctionCounter.builder("mgw_metrics_dropped_events", buffer, MetricsBuffer::dropped)
        .description("Tool-call events dropped because the buffer was full").register(registry);
    FunctionCounter.builder("mgw_metrics_written_events", this, v -> ingestion.written())
        .description("Tool-call events written to PostgreSQL").register(registry);
    FunctionCounter.builder("mgw_metrics_rejected_events", this, v -> ingestion.rejected())
        .description("Tool-call events the database refused on their own (bad data), dropped").register(registry);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(maintenanceTimer);
    if (guard != null) {
      guard.close();
    }
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(node.config().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    long grace = node.config().shutdownGrace().toMillis();
    return drained.eventually(() -> ingestion.drain(System.currentTimeMillis() + grace)).eventually(() -> pool.close())
        .eventually(() -> {
          if (redis != null) {
            redis.close();
          }
          return Future.succeededFuture();
        });
  }

  public int port() {
    return server.actualPort();
  }
}
