package io.mcpgateway.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide half of in-process rate limiting: per key, how many requests passed within the window on all
 * gateway instances of this node. Instances take a slot with a compare-and-set and give it back when their own
 * record of it leaves the window, so a caller's limit is per node with no lock shared between event loops.
 */
public final class NodeRateWindows {
  private final Cache<String, AtomicInteger> counts = Caffeine.newBuilder().maximumSize(200_000)
      .expireAfterAccess(InProcessRateLimiter.WINDOW.plusSeconds(10)).build();

  AtomicInteger count(String key) {
    return counts.get(key, k -> new AtomicInteger());
  }

  /** Takes one slot if fewer than {@code limit} are taken; returns the count after taking it, or -1. */
  static int take(AtomicInteger count, int limit) {
    for (int c = count.get(); c < limit; c = count.get()) {
      if (count.compareAndSet(c, c + 1)) {
        return c + 1;
      }
    }
    return -1;
  }

  /** Takes {@code cost} slots at once (a batch) if they all fit under {@code limit}; the count after, or -1. */
  static int take(AtomicInteger count, int limit, int cost) {
    for (int c = count.get(); c + cost <= limit; c = count.get()) {
      if (count.compareAndSet(c, c + cost)) {
        return c + cost;
      }
    }
    return -1;
  }

  static void release(AtomicInteger count, int slots) {
    count.updateAndGet(c -> Math.max(0, c - slots));
  }
}
