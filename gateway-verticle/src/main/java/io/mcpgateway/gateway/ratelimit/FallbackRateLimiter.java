package io.mcpgateway.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis first; when Redis cannot answer, the decision is made in process (never an error for the caller),
 * logged once per transition and counted. While Redis is down it is probed again at most every
 * {@code retryEvery}, so callers do not each wait for a dead server; the first success switches back.
 */
public final class FallbackRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackRateLimiter.class);

  private final RateLimiter primary;
  private final RateLimiter fallback;
  private final long retryEveryMillis;
  private final Counter fallbacks;
  private volatile long primaryDownUntil;
  private volatile boolean degraded;

  public FallbackRateLimiter(RateLimiter primary, RateLimiter fallback, Duration retryEvery) {
    this.primary = primary;
    this.fallback = fallback;
    this.retryEveryMillis = retryEvery.toMillis();
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.fallbacks = registry == null ? null : Counter.builder("mgw_rate_limit_fallback_decisions")
        .description("Rate-limit decisions made in process because Redis was unreachable").register(registry);
  }

  /** True while decisions are made in process. */
  public boolean degraded() {
    return degraded;
  }

  @Override
  public Future<RateLimitDecision> check(String key, int limitPerMinute, int cost) {
    if (degraded && System.nanoTime() / 1_000_000 < primaryDownUntil) {
      return local(key, limitPerMinute, cost);
    }
    return primary.check(key, limitPerMinute, cost)
        .onSuccess(d -> {
          if (degraded) {
            degraded = false;
            LOG.info("rate limiting is back on Redis");
          }
        })
        .recover(e -> {
          primaryDownUntil = System.nanoTime() / 1_000_000 + retryEveryMillis;
          if (!degraded) {
            degraded = true;
            LOG.warn("Redis unreachable for rate limiting ({}); limiting in process until it is back", e.getMessage());
          }
          return local(key, limitPerMinute, cost);
        });
  }

  private Future<RateLimitDecision> local(String key, int limit, int cost) {
    if (fallbacks != null) {
      fallbacks.increment();
    }
    return fallback.check(key, limit, cost);
  }
}
