package io.mcpgateway.management.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mcpgateway.model.net.IpRanges;
import java.time.Duration;

/**
 * Slows down credential guessing on the management API: a client (IP; IPv6 by /64) that presented
 * {@code maxFailures} rejected credentials within {@code window} is refused (429) until the window ends,
 * whatever it sends. Bounded: at most 100,000 clients are tracked (the least recent are forgotten).
 */
public final class LoginThrottle {
  public static final int MAX_FAILURES = 10;
  public static final Duration WINDOW = Duration.ofMinutes(1);

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

  public LoginThrottle(int maxFailures, Duration window) {
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
