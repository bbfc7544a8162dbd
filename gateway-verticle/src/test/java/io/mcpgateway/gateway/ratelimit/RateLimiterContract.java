package io.mcpgateway.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every RateLimiter must do; each implementation's test implements this interface. */
interface RateLimiterContract {
  /** A limiter on the given clock. */
  RateLimiter limiter(MutableClock clock);

  private static String key() {
    return "mgw:test:" + UUID.randomUUID();
  }

  @Test
  default void a_batch_costs_one_request_per_item_and_passes_whole_or_not_at_all() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    RateLimiter limiter = limiter(clock);
    String key = key();
    RateLimitDecision seven = limiter.check(key, 10, 7).await();
    assertThat(seven.allowed()).isTrue();
    assertThat(seven.remaining()).isEqualTo(3);
    assertThat(limiter.check(key, 10, 4).await().allowed()).as("4 do not fit in 3").isFalse();
    RateLimitDecision three = limiter.check(key, 10, 3).await();
    assertThat(three.allowed()).isTrue();
    assertThat(three.remaining()).isZero();
    assertThat(limiter.check(key, 10, 11).await().allowed()).isFalse();
  }

  @Test
  default void the_100th_request_passes_and_the_101st_does_not() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    RateLimiter limiter = limiter(clock);
    String key = key();
    for (int i = 1; i <= 100; i++) {
      RateLimitDecision d = limiter.check(key, 100).await();
      assertThat(d.allowed()).as("request %d", i).isTrue();
      assertThat(d.remaining()).isEqualTo(100 - i);
      clock.advance(Duration.ofMillis(10));
    }
    RateLimitDecision refused = limiter.check(key, 100).await();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.limit()).isEqualTo(100);
    // The first request was 1 s ago: it leaves the window in 59 s.
    assertThat(refused.retryAfterSeconds()).isEqualTo(59);
  }

  @Test
  default void the_window_slides() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    RateLimiter limiter = limiter(clock);
    String key = key();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.check(key, 5).await().allowed()).isTrue();
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(limiter.check(key, 5).await().allowed()).isFalse();
    // t=50s now; the first request (t=0) leaves the window at t=60s, the second at t=70s.
    clock.advance(Duration.ofSeconds(10));
    assertThat(limiter.check(key, 5).await().allowed()).isTrue();
    assertThat(limiter.check(key, 5).await().allowed()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(limiter.check(key, 5).await().allowed()).isTrue();
  }

  @Test
  default void keys_do_not_share_a_window() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    RateLimiter limiter = limiter(clock);
    String a = key();
    assertThat(limiter.check(a, 1).await().allowed()).isTrue();
    assertThat(limiter.check(a, 1).await().allowed()).isFalse();
    assertThat(limiter.check(key(), 1).await().allowed()).isTrue();
  }
}
