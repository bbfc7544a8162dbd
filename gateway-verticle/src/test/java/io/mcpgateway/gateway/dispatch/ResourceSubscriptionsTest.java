package io.mcpgateway.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.gateway.dispatch.ResourceSubscriptions.Stamp;
import io.mcpgateway.gateway.dispatch.ResourceSubscriptions.Upstream;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResourceSubscriptionsTest {
  private static final UUID SERVER = UUID.randomUUID();
  private static final long LATER = Long.MAX_VALUE;
  private final ResourceSubscriptions subs = new ResourceSubscriptions();
  private long seq;

  private Stamp stamp() {
    return new Stamp(1000, ++seq, "here");
  }

  @Test
  void one_upstream_subscription_serves_every_session_and_the_last_one_out_releases_it() {
    Upstream watched = new Upstream(SERVER, "test://w");
    assertThat(subs.subscribe("s1", LATER, "test://w", watched, stamp())).isTrue();
    assertThat(subs.subscribe("s2", LATER, "mcpgw://x/test://w", watched, stamp())).isFalse();
    assertThat(subs.subscribers(SERVER, "test://w")).extracting(ResourceSubscriptions.Subscriber::exposedUri)
        .containsExactlyInAnyOrder("test://w", "mcpgw://x/test://w");
    assertThat(subs.unsubscribe("s1", "test://w")).isEmpty();
    assertThat(subs.sessionEnded("s2")).containsExactly(watched);
    assertThat(subs.size()).isZero();
  }

  @Test
  void subscribing_again_renews_the_stamp_without_a_second_upstream_subscription() {
    Upstream watched = new Upstream(SERVER, "test://w");
    subs.subscribe("s1", LATER, "test://w", watched, new Stamp(1, 1, "here"));
    assertThat(subs.subscribe("s1", LATER, "test://w", watched, new Stamp(5, 2, "here"))).isFalse();
    assertThat(subs.stamp("s1", "test://w")).contains(new Stamp(5, 2, "here"));
    assertThat(subs.size()).isEqualTo(1);
  }

  @Test
  void sessions_past_their_maximum_age_are_found_for_the_sweep() {
    subs.subscribe("old", 1_000, "test://w", new Upstream(SERVER, "test://w"), stamp());
    subs.subscribe("young", 5_000, "test://w", new Upstream(SERVER, "test://w"), stamp());
    assertThat(subs.expired(2_000)).containsExactly("old");
    assertThat(subs.sessionEnded("old")).isEmpty(); // young still holds the upstream subscription
    assertThat(subs.expired(2_000)).isEmpty();
  }

  @Test
  void stamps_order_by_time_then_sequence_then_instance_the_same_everywhere() {
    assertThat(new Stamp(1, 9, "b")).isLessThan(new Stamp(2, 1, "a"));
    assertThat(new Stamp(2, 1, "z")).isLessThan(new Stamp(2, 2, "a"));
    assertThat(new Stamp(2, 2, "a")).isLessThan(new Stamp(2, 2, "b"));
  }

  @Test
  void a_session_holds_at_most_1000_subscriptions() {
    for (int i = 0; i < ResourceSubscriptions.MAX_PER_SESSION; i++) {
      subs.subscribe("s1", LATER, "test://" + i, new Upstream(SERVER, "test://" + i), stamp());
    }
    assertThatThrownBy(() -> subs.subscribe("s1", LATER, "test://more", new Upstream(SERVER, "test://more"), stamp()))
        .isInstanceOf(GatewayException.class).hasMessageContaining("at most 1000")
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    // another session is not held back by it
    assertThat(subs.subscribe("s2", LATER, "test://more", new Upstream(SERVER, "test://more"), stamp())).isTrue();
  }

  @Test
  void an_instance_holds_at_most_its_maximum_across_sessions() {
    for (int i = 0; i < ResourceSubscriptions.MAX_PER_INSTANCE; i++) {
      subs.subscribe("s" + (i / ResourceSubscriptions.MAX_PER_SESSION), LATER, "test://" + i, new Upstream(SERVER, "test://" + i),
          stamp());
    }
    assertThatThrownBy(() -> subs.subscribe("late", LATER, "test://w", new Upstream(SERVER, "test://w"), stamp()))
        .isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(subs.size()).isEqualTo(ResourceSubscriptions.MAX_PER_INSTANCE);
    assertThat(subs.expired(Long.MAX_VALUE)).doesNotContain("late");
  }
}
