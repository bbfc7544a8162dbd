package io.mcpgateway.model.net;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Slows down guessing: a client (IP; IPv6 by /64) that failed {@code maxFailures} times within {@code window}
 * (rejected credentials on the management API; unknown presets and rejected credentials on the data plane, each of
 * which cost a database query) is refused (429) until the window ends, whatever it sends. Thread-safe (shared by
 * a node's gateway instances). Bounded: at most 100,000 clients are tracked (the least recent are forgotten).
 */
public final class FailureThrottle {

  private static final class Window {
    final long startedAt;
    int failures;

    Window(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  private final int maxFailures;
  private final long windowMs;
  private final Cache<String, Window> clients;

  public FailureThrottle(int maxFailures, Duration window) {
    this.maxFailures = maxFailures;
    this.windowMs = window.toMillis();
    this.clients = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
  }

  /** Seconds until {@code clientIp} may try again; 0 when it may now. */
  public long retryAfterSeconds(String clientIp) {
    Window w = clients.getIfPresent(IpRanges.limitKey(clientIp));
    if (w == null || w.failures < maxFailures) {
      return 0;
    }
    long left = w.startedAt + windowMs - System.currentTimeMillis();
    return left <= 0 ? 0 : Math.max(1, (left + 999) / 1000);
  }

  public void failed(String clientIp) {
    long now = System.currentTimeMillis();
    clients.asMap().compute(IpRanges.limitKey(clientIp), (k, w) -> {
      Window current = w == null || now - w.startedAt >= windowMs ? new Window(now) : w;
      current.failures++;
      return current;
    });
  }
}
