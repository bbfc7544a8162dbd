package io.mcpgateway.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.session.EventStreams.EventId;
import io.mcpgateway.gateway.session.EventStreams.Kind;
import io.mcpgateway.gateway.session.EventStreams.Refusal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounds of what session views keep for resumption, on streams with no connection (everything is kept for later). */
class EventStreamsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static JsonObject message(int n, int size) {
    return new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/message")
        .put("params", new JsonObject().put("level", "info").put("data", n + "x".repeat(size)));
  }

  @Test
  void the_instance_budget_caps_what_all_its_sessions_keep_and_is_given_back_when_a_view_goes() {
    ReplayBudget budget = new ReplayBudget(10_000);
    EventStreams one = new EventStreams(vertx, budget, "inst");
    EventStreams other = new EventStreams(vertx, budget, "inst");
    EventStreams.Stream a = one.open(Kind.POST, null);
    for (int i = 1; i <= 4; i++) {
      a.send(message(i, 2000)); // about 2.1 KB each: 4 fit in 10 000 bytes
    }
    assertThat(a.refusal(0)).isNull();
    assertThat(a.after(0)).hasSize(4);

    EventStreams.Stream b = other.open(Kind.POST, null);
    b.send(message(1, 2000));
    assertThat(b.refusal(0)).as("over the instance budget: sent, not kept").isEqualTo(Refusal.EXPIRED);
    assertThat(b.refusal(1)).as("what comes after it can be replayed again").isNull();
    assertThat(budget.used()).isLessThanOrEqualTo(10_000);

    one.close();
    assertThat(budget.used()).as("a view that goes gives its bytes back").isZero();
    b.send(message(2, 2000));
    assertThat(b.after(1)).hasSize(1);
  }

  @Test
  void ids_name_their_instance_kind_stream_and_position_and_anything_else_is_not_an_id() {
    EventStreams streams = new EventStreams(vertx, new ReplayBudget(ReplayBudget.MAX_BYTES), "Ab-_9");
    EventStreams.Stream post = streams.open(Kind.POST, null);
    post.send(message(1, 1));
    String text = post.after(0).get(0).toString();
    String id = text.substring(4, text.indexOf('\n'));
    EventId parsed = EventId.parse(id).orElseThrow();
    assertThat(parsed.instance()).isEqualTo("Ab-_9");
    assertThat(parsed.kind()).isEqualTo(Kind.POST);
    assertThat(parsed.seq()).isEqualTo(1);
    assertThat(streams.find(parsed)).containsSame(post);
    assertThat(streams.find(new EventId("Ab-_9", Kind.GET, parsed.stream(), 1))).as("kind is part of the name").isEmpty();
    assertThat(streams.find(new EventId("other", Kind.POST, parsed.stream(), 1))).isEmpty();
    assertThat(post.refusal(5)).as("an id never issued").isEqualTo(Refusal.UNKNOWN);
    for (String bad : new String[] {"", "x", "a.p1", "a.q1.1", "a.p1.-1", "a b.p1.1", "a.p1.1.1", "a".repeat(70)}) {
      assertThat(EventId.parse(bad)).as(bad).isEmpty();
    }
  }
}
