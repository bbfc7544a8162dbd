package io.mcpgateway.model.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Liveness ({@code /health}: the process answers) and readiness ({@code /ready}: the node finished
 * deploying and its dependencies answer). Every listener of a node mounts both; each verticle adds the
 * checks of what it depends on.
 */
public final class Health {
  /** Local-map key set once every verticle of the node deployed; readiness stays DOWN before. */
  public static final String NODE_STATE_MAP = "mgw.node";
  public static final String DEPLOYED = "deployed";

  private final Vertx vertx;
  private final HealthChecks readiness;

  public Health(Vertx vertx) {
    this.vertx = vertx;
    this.readiness = HealthChecks.create(vertx);
    readiness.register("node", promise -> promise.complete(nodeDeployed(vertx) ? Status.OK()
        : Status.KO(new JsonObject().put("reason", "still starting"))));
  }

  public static boolean nodeDeployed(Vertx vertx) {
    return Boolean.TRUE.equals(vertx.sharedData().getLocalMap(NODE_STATE_MAP).get(DEPLOYED));
  }

  public static void markDeployed(Vertx vertx, boolean deployed) {
    vertx.sharedData().getLocalMap(NODE_STATE_MAP).put(DEPLOYED, deployed);
  }

  public Health postgres(Pool pool, Duration timeout) {
    return check("postgresql", timeout, () -> pool.query("SELECT 1").execute().mapEmpty());
  }

  /** Adds a readiness check: the future must succeed within the timeout. */
  public Health check(String name, Duration timeout, Supplier<Future<?>> probe) {
    readiness.register(name, timeout.toMillis(), (Promise<Status> promise) -> probe.get()
        .onSuccess(ok -> promise.tryComplete(Status.OK()))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage()))))));
    return this;
  }

  /** Adds a check that never fails readiness but reports state (e.g. Redis in fallback, open breakers). */
  public Health info(String name, Supplier<JsonObject> state) {
    readiness.register(name, (Promise<Status> promise) -> promise.complete(Status.OK(state.get())));
    return this;
  }

  public void mount(Router router) {
    router.get("/health").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "UP").encode()));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
  }
}
