package io.mcpgateway.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.dispatch.ResourceSubscriptions.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UpstreamHoldsTest {
  private static final Upstream WATCHED = new Upstream(UUID.randomUUID(), "test://watched");
  private final List<Promise<Void>> taken = new ArrayList<>();
  private final List<Upstream> givenUp = new ArrayList<>();
  private final UpstreamHolds holds = new UpstreamHolds(u -> {
    Promise<Void> p = Promise.promise();
    taken.add(p);
    return p.future();
  }, givenUp::add);

  @Test
  void a_hold_released_while_it_is_being_taken_is_given_up_once_taken_not_before() {
    Future<Void> hold = holds.hold(WATCHED);
    holds.release(WATCHED); // e.g. a newer subscribe on another instance, before the pool counted this hold
    assertThat(givenUp).as("nothing is held yet: giving up now would release nothing").isEmpty();
    taken.get(0).complete();
    assertThat(hold.succeeded()).isTrue();
    assertThat(givenUp).containsExactly(WATCHED);
    assertThat(holds.size()).isZero();
  }

  @Test
  void a_failed_hold_is_not_given_up() {
    Future<Void> hold = holds.hold(WATCHED);
    holds.release(WATCHED);
    taken.get(0).fail("upstream unavailable");
    assertThat(hold.failed()).isTrue();
    assertThat(givenUp).isEmpty();
  }

  @Test
  void later_subscribers_share_the_hold_being_taken_and_one_release_gives_it_up() {
    Future<Void> first = holds.hold(WATCHED);
    Future<Void> second = holds.hold(WATCHED);
    assertThat(second).isSameAs(first);
    assertThat(taken).hasSize(1);
    assertThat(holds.current(WATCHED, first)).isTrue();
    taken.get(0).complete();
    holds.release(WATCHED);
    assertThat(givenUp).containsExactly(WATCHED);
    assertThat(holds.current(WATCHED, first)).isFalse();
  }

  @Test
  void a_hold_taken_again_while_the_released_one_is_still_being_taken_counts_twice_and_is_given_up_twice() {
    holds.hold(WATCHED);
    holds.release(WATCHED);
    Future<Void> again = holds.hold(WATCHED);
    assertThat(taken).hasSize(2);
    assertThat(holds.current(WATCHED, again)).isTrue();
    taken.get(0).complete();
    assertThat(givenUp).as("the first hold goes once taken; the second stays").containsExactly(WATCHED);
    taken.get(1).complete();
    holds.release(WATCHED);
    assertThat(givenUp).containsExactly(WATCHED, WATCHED);
  }
}
