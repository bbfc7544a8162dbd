package io.mcpgateway.gateway.ratelimit;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sliding-window log kept in this process: a request passes when fewer than {@code limit} requests under
 * its key passed in the last minute. For a single node, and as the fallback when Redis is unreachable.
 * One instance per gateway verticle instance, confined to its event loop: it keeps the times of the requests it
 * let through, and counts them against the node-wide total in {@link NodeRateWindows} (lock-free), so the limit
 * holds for the node whichever instances a caller's connections land on. Memory is bounded: at most
 * {@code limit} timestamps per key on the node, at most {@link #MAX_KEYS} keys per instance (least recently
 * used go first), keys idle for a window are dropped by {@link #sweep()}.
 */
public final class InProcessRateLimiter implements RateLimiter {
  static final Duration WINDOW = Duration.ofMinutes(1);
  static final int MAX_KEYS = 200_000;

  private final Clock clock;
  private final NodeRateWindows node;
  private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      if (size() > MAX_KEYS) {
        NodeRateWindows.release(eldest.getValue().count, eldest.getValue().log.size());
        return true;
      }
      return false;
    }
  };

  /** This instance's requests under one key, and the node-wide count they are part of. */
  private record Window(ArrayDeque<Long> log, AtomicInteger count) {}

  /** A limiter with its own node-wide windows (one instance, or tests). */
  public InProcessRateLimiter(Clock clock) {
    this(clock, new NodeRateWindows());
  }

  public InProcessRateLimiter(Clock clock, NodeRateWindows node) {
    this.clock = clock;
    this.node = node;
  }

  @Override
  public Future<RateLimitDecision> check(String key, int limitPerMinute, int cost) {
    return Future.succeededFuture(decide(key, limitPerMinute, cost));
  }

  RateLimitDecision decide(String key, int limit) {
    return decide(key, limit, 1);
  }

  RateLimitDecision decide(String key, int limit, int cost) {
    long now = clock.millis();
    Window w = windows.computeIfAbsent(key, k -> new Window(new ArrayDeque<>(), node.count(k)));
    prune(w, now - WINDOW.toMillis());
    int taken = NodeRateWindows.take(w.count(), limit, cost);
    if (taken > 0) {
      for (int i = 0; i < cost; i++) {
        w.log().addLast(now);
      }
      long reset = secondsUntil(w.log().peekFirst() + WINDOW.toMillis(), now);
      return new RateLimitDecision(true, limit, limit - taken, reset, 0);
    }
    // The oldest request this instance let through leaves the window first that we know of; when the others
    // hold them all, ask the caller to come back in a second.
    long retry = w.log().isEmpty() ? 1 : secondsUntil(w.log().peekFirst() + WINDOW.toMillis(), now);
    return new RateLimitDecision(false, limit, 0, retry, retry);
  }

  /** Gives back the slots of requests that left the window, so the other instances see them free. */
  public void sweep() {
    long windowStart = clock.millis() - WINDOW.toMillis();
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      Window w = it.next();
      prune(w, windowStart);
      if (w.log().isEmpty()) {
        it.remove();
      }
    }
  }

  private static void prune(Window w, long windowStart) {
    int expired = 0;
    while (!w.log().isEmpty() && w.log().peekFirst() <= windowStart) {
      w.log().pollFirst();
      expired++;
    }
    if (expired > 0) {
      NodeRateWindows.release(w.count(), expired);
    }
  }

  private static long secondsUntil(long at, long now) {
    return Math.max(1, (at - now + 999) / 1000);
  }
}
