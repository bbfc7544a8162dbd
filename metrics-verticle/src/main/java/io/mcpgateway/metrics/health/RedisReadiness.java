package io.mcpgateway.metrics.health;

import io.mcpgateway.model.ops.Health;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;

/**
 * A readiness check that Redis answers {@code PING} within the timeout. For nodes whose work needs Redis;
 * the data plane does not (its rate limiter falls back to in-process), so it reports the limiter backend as
 * information instead of failing readiness.
 */
public final class RedisReadiness {
  private RedisReadiness() {}

  /** Registers the {@code redis} check on {@code health}; returns it for chaining. */
  public static Health register(Health health, Redis redis, Duration timeout) {
    return health.check("redis", timeout, () -> ping(redis));
  }

  public static Future<Void> ping(Redis redis) {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }
}
