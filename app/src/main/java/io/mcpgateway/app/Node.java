package io.mcpgateway.app;

import io.mcpgateway.config.ConfigException;
import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.config.Role;
import io.mcpgateway.gateway.GatewayVerticle;
import io.mcpgateway.management.ManagementVerticle;
import io.mcpgateway.metrics.MetricsVerticle;
import io.mcpgateway.metrics.PrometheusMetrics;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.model.ops.Health;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway node. Start-up order: configuration → database (embedded or configured) → schema
 * migration (JDBC, on this thread, before any event loop runs) → Vert.x (clustered or not) → verticles of
 * the configured roles → ready. {@link #stop()} reverses it, draining HTTP servers first.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final NodeSettings settings;
  private final EmbeddedDatabase embedded;
  private final Deployed deployed;

  /** The verticles this node runs (null where its role is off). */
  /** The verticles this node runs (null where its role is off) and their deployment ids: planes, then metrics. */
  private record Deployed(GatewayVerticle gateway, ManagementVerticle management, MetricsVerticle metrics,
      List<String> planeIds, String metricsId) {}

  private Node(Vertx vertx, NodeSettings settings, EmbeddedDatabase embedded, Deployed deployed) {
    this.vertx = vertx;
    this.settings = settings;
    this.embedded = embedded;
    this.deployed = deployed;
  }

  /** Starts a node; blocks the calling thread (never an event loop) until it is ready or failed. */
  public static Node start(JsonObject overrides) {
    long begin = System.nanoTime();
    GatewayConfig config = loadConfig(overrides);
    EmbeddedDatabase embedded = null;
    PgSettings pg;
    if (config.database().embedded()) {
      embedded = EmbeddedDatabase.start(config.database().dataDir());
      pg = embedded.settings(config.database().schema(), config.database().poolSize(), config.database().timeout());
      LOG.info("Database: embedded PostgreSQL, data in {}", embedded.dataDirectory());
    } else {
      pg = PgSettings.fromUri(config.database().url().orElseThrow(), config.database().schema(),
          config.database().poolSize(), config.database().timeout());
      LOG.info("Database: {}", pg.describe());
    }
    try {
      var migration = SchemaMigrator.migrate(pg);
      LOG.info("Schema at version {} ({} migrations applied)", migration.targetSchemaVersion, migration.migrationsExecuted);
      SecretBox secrets = SecretKeys.resolve(config);
      LOG.info(config.redisUrl().isPresent()
          ? "Rate limits: Redis at " + config.redisUrl().get().getHost()
          : "Rate limits: in-process (no MGW_REDIS_URL; single-node mode)");
      var settings = new NodeSettings(config, pg, secrets);
      Vertx vertx = Cluster.vertx(config, new VertxOptions().setMetricsOptions(PrometheusMetrics.options()));
      Deployed deployed = deploy(vertx, settings);
      Health.markDeployed(vertx, true);
      Node node = new Node(vertx, settings, embedded, deployed);
      LOG.info("mcp-gateway ready in {} ms: roles {}, MCP port {}, management port {}, metrics port {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), config.roles(), node.gatewayPort(),
          node.managementPort(), node.metricsPort());
      if (config.runs(io.mcpgateway.config.Role.MANAGEMENT)) {
        // The host as the operator would type it; the key is never logged (open /#key=<key> to sign in at once).
        String host = config.http().host().equals("0.0.0.0") ? "localhost" : config.http().host();
        LOG.info("Web console: http://{}:{}/{}", host, node.managementPort(), config.security().adminApiKey().isPresent()
            ? " (sign in with MGW_ADMIN_API_KEY)" : " (no MGW_ADMIN_API_KEY set: sign in with an API key or through OAuth)");
      }
      return node;
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  private static GatewayConfig loadConfig(JsonObject overrides) {
    Vertx bootstrap = Vertx.vertx();
    try {
      return ConfigLoader.load(bootstrap, overrides).await();
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      if (e.getCause() instanceof ConfigException ce) {
        throw ce;
      }
      throw new IllegalStateException("cannot load configuration: " + e.getMessage(), e);
    } finally {
      bootstrap.close();
    }
  }

  private static Deployed deploy(Vertx vertx, NodeSettings settings) {
    var config = settings.config();
    var metrics = config.runs(Role.METRICS) ? new MetricsVerticle(settings) : null;
    var management = config.runs(Role.MANAGEMENT) ? new ManagementVerticle(settings) : null;
    List<Future<String>> pending = new ArrayList<>();
    Future<String> metricsId = metrics == null ? Future.succeededFuture() : vertx.deployVerticle(metrics);
    pending.add(metricsId);
    if (management != null) {
      pending.add(vertx.deployVerticle(management));
    }
    // The data plane runs on several event loops: one instance per MGW_GATEWAY_INSTANCES, all on one port.
    List<GatewayVerticle> gateways = java.util.Collections.synchronizedList(new ArrayList<>());
    if (config.runs(Role.GATEWAY)) {
      var shared = GatewayVerticle.NodeWide.of(settings);
      pending.add(vertx.deployVerticle(() -> {
        var instance = new GatewayVerticle(settings, shared);
        gateways.add(instance);
        return instance;
      }, new io.vertx.core.DeploymentOptions().setInstances(config.scale().gatewayInstances())));
    }
    try {
      Future.all(pending).await();
    } catch (Exception e) {
      vertx.close().await();
      throw new IllegalStateException("a verticle failed to start: " + e.getMessage(), e);
    }
    if (!gateways.isEmpty()) {
      LOG.info("Data plane: {} gateway verticle instances", gateways.size());
    }
    List<String> planes = pending.subList(1, pending.size()).stream().map(Future::result).toList();
    return new Deployed(gateways.isEmpty() ? null : gateways.get(0), management, metrics, planes, metricsId.result());
  }

  /** The bound MCP port (useful when configured as 0); -1 when this node does not run the gateway role. */
  public int gatewayPort() {
    return deployed.gateway() == null ? -1 : deployed.gateway().port();
  }

  public int managementPort() {
    return deployed.management() == null ? -1 : deployed.management().port();
  }

  public int metricsPort() {
    return deployed.metrics() == null ? -1 : deployed.metrics().port();
  }

  public NodeSettings settings() {
    return settings;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop: readiness goes DOWN; the gateway and management verticles stop accepting and drain their
   * calls in flight (up to {@code MGW_SHUTDOWN_GRACE}), sessions end; then the metrics verticle flushes what was
   * recorded; pools close, the database stops.
   */
  public void stop() {
    LOG.info("mcp-gateway stopping");
    Health.markDeployed(vertx, false);
    long grace = settings.config().shutdownGrace().toMillis();
    // The data and control planes first (they stop accepting and finish their calls within the grace), so the
    // tool calls they finish are still recorded; then metrics, which drains its buffer to the database.
    try {
      Future.all(deployed.planeIds().stream().map(vertx::undeploy).toList()).await(grace + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("the data plane did not stop cleanly: {}", e.getMessage());
    }
    try {
      if (deployed.metricsId() != null) {
        vertx.undeploy(deployed.metricsId()).await(grace + 5000, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.warn("the metrics verticle did not stop cleanly: {}", e.getMessage());
    }
    try {
      vertx.close().await(5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    }
    if (embedded != null) {
      embedded.close();
    }
    LOG.info("mcp-gateway stopped");
  }
}
