package io.mcpgateway.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InProcessRateLimiterTest implements RateLimiterContract {
  @Override
  public RateLimiter limiter(MutableClock clock) {
    return new InProcessRateLimiter(clock);
  }

  @Test
  void instances_of_one_node_share_one_window_per_key() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    NodeRateWindows node = new NodeRateWindows();
    InProcessRateLimiter a = new InProcessRateLimiter(clock, node);
    InProcessRateLimiter b = new InProcessRateLimiter(clock, node);
    for (int i = 0; i < 3; i++) {
      assertThat(a.decide("k", 5).allowed()).isTrue();
    }
    assertThat(b.decide("k", 5).allowed()).isTrue();
    RateLimitDecision last = b.decide("k", 5);
    assertThat(last.allowed()).isTrue();
    assertThat(last.remaining()).isZero();
    assertThat(a.decide("k", 5).allowed()).isFalse();
    RateLimitDecision refused = b.decide("k", 5);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(60);
    assertThat(b.decide("other", 5).allowed()).as("keys do not share a window").isTrue();
  }

  @Test
  void slots_an_instance_took_free_up_for_the_others_when_they_leave_the_window() {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    NodeRateWindows node = new NodeRateWindows();
    InProcessRateLimiter a = new InProcessRateLimiter(clock, node);
    InProcessRateLimiter b = new InProcessRateLimiter(clock, node);
    assertThat(a.decide("k", 2).allowed()).isTrue();
    assertThat(a.decide("k", 2).allowed()).isTrue();
    RateLimitDecision refused = b.decide("k", 2);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).as("B does not know when A's requests leave").isEqualTo(1);
    clock.advance(Duration.ofSeconds(61));
    assertThat(b.decide("k", 2).allowed()).as("A has not given its slots back yet").isFalse();
    a.sweep();
    assertThat(b.decide("k", 2).allowed()).isTrue();
    assertThat(b.decide("k", 2).allowed()).isTrue();
    assertThat(a.decide("k", 2).allowed()).isFalse();
  }
}
