package io.mcpgateway.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A sliding-window log kept in this process: a request passes when fewer than {@code limit} requests under
 * its key passed in the last minute. For a single node, and as the fallback when Redis is unreachable.
 * Memory is bounded: at most {@code limit} timestamps per key, keys idle for a window are evicted.
 */
public final class InProcessRateLimiter implements RateLimiter {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final Clock clock;
  private final Cache<String, ArrayDeque<Long>> windows;

  public InProcessRateLimiter(Clock clock) {
    this.clock = clock;
    this.windows = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(WINDOW.plusSeconds(5)).build();
  }

  @Override
  public Future<RateLimitDecision> check(String key, int limitPerMinute) {
    return Future.succeededFuture(decide(key, limitPerMinute));
  }

  RateLimitDecision decide(String key, int limit) {
    long now = clock.millis();
    long windowStart = now - WINDOW.toMillis();
    ArrayDeque<Long> log = windows.get(key, k -> new ArrayDeque<>());
    synchronized (log) {
      while (!log.isEmpty() && log.peekFirst() <= windowStart) {
        log.pollFirst();
      }
      if (log.size() < limit) {
        log.addLast(now);
        long reset = secondsUntil(log.peekFirst() + WINDOW.toMillis(), now);
        return new RateLimitDecision(true, limit, limit - log.size(), reset, 0);
      }
      long retry = secondsUntil(log.peekFirst() + WINDOW.toMillis(), now);
      return new RateLimitDecision(false, limit, 0, retry, retry);
    }
  }

  private static long secondsUntil(long at, long now) {
    return Math.max(1, (at - now + 999) / 1000);
  }
}
