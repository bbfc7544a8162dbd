package io.mcpgateway.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.OnContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sealed requestState, and a held call's rounds, expiry and bounds, without HTTP. */
class HeldCallsTest {
  private static final Caller CALLER = Caller.anonymous("192.0.2.7");
  private final SecretBox key = SecretBox.fromBase64(SecretBox.generateKey());
  private final HeldCallStates states = new HeldCallStates(key, Clock.systemUTC());
  private final UUID preset = UUID.randomUUID();
  private Vertx vertx;
  private Context context;
  private HeldCalls calls;

  /** An upstream call that ends when the test says so and records being cancelled. */
  private static final class FakeCall implements UpstreamCall {
    final Promise<JsonObject> result = Promise.promise();
    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public Future<JsonObject> result() {
      return result.future();
    }

    @Override
    public void cancel(String reason) {
      cancelled.add(reason);
      result.tryFail(new GatewayException(io.mcpgateway.model.ErrorCode.INVALID_INPUT, "cancelled: " + reason));
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    calls = OnContext.call(context, () -> new HeldCalls(vertx, states, "test"));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static ServerRequest elicitation(String message) {
    return new ServerRequest("elicitation/create", new JsonObject().put("message", message));
  }

  @Test
  void a_state_opens_only_unaltered_unexpired_and_under_the_gateways_key() {
    long now = System.currentTimeMillis();
    var state = new HeldCallStates.State("mgw.held.a", "x1", 2, "caller", preset, "tool", now + 60_000, now + 30_000);
    String token = states.seal(state);
    assertThat(HeldCallStates.ours(token)).isTrue();
    assertThat(HeldCallStates.ours("an-upstreams-own-state")).isFalse();
    assertThat(states.open(token)).isEqualTo(state);

    int at = HeldCallStates.PREFIX.length() + 10;
    String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    assertThatThrownBy(() -> states.open(altered)).hasMessageContaining("altered");
    assertThatThrownBy(() -> new HeldCallStates(SecretBox.fromBase64(SecretBox.generateKey()), Clock.systemUTC())
        .open(token)).hasMessageContaining("altered");
    assertThatThrownBy(() -> states.open(HeldCallStates.PREFIX + "x".repeat(HeldCallStates.MAX_CHARS)))
        .hasMessageContaining("altered");
    var later = new HeldCallStates(key, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
    assertThatThrownBy(() -> later.open(token)).isInstanceOf(GatewayException.class).hasMessageContaining("expired");
  }

  @Test
  void requests_sent_together_are_one_round_and_one_left_unanswered_is_asked_again() {
    FakeCall upstream = new FakeCall();
    AtomicReference<Future<JsonObject>> first = new AtomicReference<>();
    AtomicReference<Future<JsonObject>> askA = new AtomicReference<>();
    AtomicReference<Future<JsonObject>> askB = new AtomicReference<>();
    HeldCall call = OnContext.call(context, () -> {
      HeldCall c = calls.open(CALLER, preset, "tool", Duration.ofSeconds(30), ar -> { });
      first.set(c.start(upstream, HeldCall.Waiter.of(n -> { }, null)));
      askA.set(c.relay().request(elicitation("a")));
      askB.set(c.relay().request(elicitation("b")));
      return c;
    });
    JsonObject round1 = OnContext.await(context, first::get);
    assertThat(round1.getJsonObject("inputRequests").fieldNames()).containsExactly("q1", "q2");
    int round = states.open(round1.getString("requestState")).round();

    // Only q1 answered: q1 goes upstream, q2 is asked again at once (mrtr §Error Handling).
    JsonObject round2 = OnContext.await(context, () -> call.resume(round, CALLER.rateKey(),
        new JsonObject().put("q1", new JsonObject().put("action", "accept")), HeldCall.Waiter.of(n -> { }, null)));
    assertThat(OnContext.await(context, askA::get).getJsonObject("result").getString("action")).isEqualTo("accept");
    assertThat(round2.getJsonObject("inputRequests").fieldNames()).containsExactly("q2");

    // Answering q2 leaves the retry waiting for the upstream's final result.
    AtomicReference<Future<JsonObject>> last = new AtomicReference<>();
    OnContext.call(context, () -> {
      last.set(call.resume(round + 1, CALLER.rateKey(), new JsonObject().put("q2", new JsonObject().put("action", "decline")),
          HeldCall.Waiter.of(n -> { }, null)));
      return null;
    });
    assertThat(OnContext.await(context, askB::get).getJsonObject("result").getString("action")).isEqualTo("decline");
    OnContext.call(context, () -> upstream.result.tryComplete(new JsonObject().put("content", "done")));
    assertThat(OnContext.await(context, last::get).getString("content")).isEqualTo("done");
    assertThat(OnContext.call(context, calls::size)).isZero();
  }

  @Test
  void a_call_not_followed_up_within_the_hold_errs_the_upstreams_request_and_is_cancelled() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    HeldCalls calls = OnContext.call(context, () -> new HeldCalls(vertx, states, "short", Duration.ofMillis(300), registry));
    FakeCall upstream = new FakeCall();
    AtomicReference<AsyncResult<JsonObject>> ended = new AtomicReference<>();
    AtomicReference<Future<JsonObject>> first = new AtomicReference<>();
    AtomicReference<Future<JsonObject>> ask = new AtomicReference<>();
    HeldCall call = OnContext.call(context, () -> {
      HeldCall c = calls.open(CALLER, preset, "tool", Duration.ofSeconds(30), ended::set);
      first.set(c.start(upstream, HeldCall.Waiter.of(n -> { }, null)));
      ask.set(c.relay().request(elicitation("anyone?")));
      return c;
    });
    JsonObject round1 = OnContext.await(context, first::get);
    assertThat(round1.getString("resultType")).isEqualTo("input_required");
    assertThat(OnContext.call(context, calls::size)).isEqualTo(1);
    assertThat(registry.get("mgw_held_calls").gauge().value()).isEqualTo(1.0);

    Eventually.await("the hold to lapse", Duration.ofSeconds(10), () -> !upstream.cancelled.isEmpty());
    assertThat(upstream.cancelled.get(0)).contains("did not follow up");
    assertThat(ask.get().failed()).as("the upstream's request got an error").isTrue();
    assertThat(ask.get().cause()).hasMessageContaining("did not follow up");
    assertThat(ended.get().failed()).isTrue();
    assertThat(OnContext.call(context, calls::size)).isZero();
    assertThat(registry.get("mgw_held_calls").gauge().value()).isZero();
    Future<JsonObject> late = OnContext.call(context, () -> call.resume(1, CALLER.rateKey(), new JsonObject(),
        HeldCall.Waiter.of(n -> { }, null)));
    assertThat(late.cause()).hasMessageContaining("no pending call");
  }

  @Test
  void another_caller_a_used_round_and_a_malformed_answer_change_nothing() {
    FakeCall upstream = new FakeCall();
    AtomicReference<Future<JsonObject>> first = new AtomicReference<>();
    HeldCall call = OnContext.call(context, () -> {
      HeldCall c = calls.open(CALLER, preset, "tool", Duration.ofSeconds(30), ar -> { });
      first.set(c.start(upstream, HeldCall.Waiter.of(n -> { }, null)));
      c.relay().request(elicitation("mine"));
      return c;
    });
    JsonObject round1 = OnContext.await(context, first::get);
    assertThat(OnContext.call(context, () -> call.resume(1, "ip:198.51.100.1", null, HeldCall.Waiter.of(n -> { }, null)))
        .cause()).hasMessageContaining("another caller");
    assertThat(OnContext.call(context, () -> call.resume(1, CALLER.rateKey(), new JsonObject().put("q1", "yes"),
        HeldCall.Waiter.of(n -> { }, null))).cause()).hasMessageContaining("inputResponses.q1 must be an object");
    assertThat(OnContext.call(context, () -> call.resume(0, CALLER.rateKey(), null, HeldCall.Waiter.of(n -> { }, null)))
        .cause()).hasMessageContaining("already used");
    // None of that consumed the round: the caller's own retry still works.
    JsonObject again = OnContext.await(context, () -> call.resume(1, CALLER.rateKey(), null, HeldCall.Waiter.of(n -> { }, null)));
    assertThat(again.getJsonObject("inputRequests").fieldNames()).containsExactly("q1");
    assertThat(round1.getString("requestState")).isNotEqualTo(again.getString("requestState"));
  }

  @Test
  void a_modern_callers_capabilities_are_kept_bounded_by_name_and_elicitation_mode() {
    JsonObject bulky = new JsonObject().put("sampling", new JsonObject().put("tools", new JsonObject().put("x", "y".repeat(10_000))))
        .put("elicitation", new JsonObject().put("url", new JsonObject()).put("form", new JsonObject().put("pad", "z".repeat(500))))
        .put("experimental", new JsonObject());
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/clientCapabilities", bulky);
    assertThat(ModernCaller.declared(meta)).isEqualTo(new JsonObject().put("sampling", new JsonObject())
        .put("elicitation", new JsonObject().put("url", new JsonObject()).put("form", new JsonObject())));
    JsonObject small = new JsonObject().put("roots", new JsonObject().put("listChanged", true));
    assertThat(ModernCaller.declared(new JsonObject().put("io.modelcontextprotocol/clientCapabilities", small))).isEqualTo(small);
    assertThat(ModernCaller.declared(null)).isEmpty();
  }

  @Test
  void a_retry_reaches_the_holding_instance_over_the_bus_and_a_holder_that_is_gone_is_named() {
    var presetRecord = new io.mcpgateway.model.preset.Preset(preset, "held-p", "P", null,
        io.mcpgateway.model.preset.Visibility.PUBLIC, io.mcpgateway.model.preset.PresetStatus.ACTIVE, null,
        UUID.randomUUID(), null, null, null, List.of());
    // Two instances of one node: A holds the call, B gets the retry.
    Context contextB = vertx.getOrCreateContext();
    HeldCalls other = OnContext.call(contextB, () -> new HeldCalls(vertx, states, "b"));
    FakeCall upstream = new FakeCall();
    AtomicReference<Future<JsonObject>> first = new AtomicReference<>();
    AtomicReference<Future<JsonObject>> ask = new AtomicReference<>();
    AtomicReference<HeldCall> held = new AtomicReference<>();
    OnContext.call(context, () -> {
      HeldCall c = calls.open(CALLER, preset, "tools/call t", Duration.ofSeconds(30), ar -> { });
      held.set(c);
      first.set(c.start(upstream, HeldCall.Waiter.of(n -> { }, null)));
      ask.set(c.relay().request(elicitation("over the bus")));
      return null;
    });
    JsonObject round1 = OnContext.await(context, first::get);
    String key = round1.getJsonObject("inputRequests").fieldNames().iterator().next();
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    Exchange exchange = new Exchange(presetRecord, CALLER, null, messages::add);
    JsonObject params = new JsonObject().put("name", "t").put("requestState", round1.getString("requestState"))
        .put("inputResponses", new JsonObject().put(key, new JsonObject().put("action", "accept")))
        .put("_meta", new JsonObject().put("io.modelcontextprotocol/logLevel", "info"));
    Future<JsonObject> retried = OnContext.call(contextB, () -> other.resume(exchange, "tools/call t", params));
    Eventually.await("the answer upstream", Duration.ofSeconds(5), () -> ask.get().succeeded());
    // While B's retry waits, the held call's log message reaches B's caller; then the upstream's result.
    OnContext.call(context, () -> {
      held.get().relay().notification(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/message")
          .put("params", new JsonObject().put("level", "info").put("data", "working")));
      return null;
    });
    Eventually.await("the log message through B", Duration.ofSeconds(5), () -> !messages.isEmpty());
    OnContext.call(context, () -> upstream.result.tryComplete(new JsonObject().put("content", "via bus")));
    Eventually.await("the retry's answer", Duration.ofSeconds(5), retried::isComplete);
    assertThat(retried.result().getString("content")).isEqualTo("via bus");

    // A state naming an instance nobody answers for any more (stopped, or its node died).
    long now = System.currentTimeMillis();
    String orphan = states.seal(new HeldCallStates.State("mgw.held.gone", "x", 1, CALLER.rateKey(), preset,
        "tools/call t", now + 60_000, now + 30_000));
    Future<JsonObject> lost = OnContext.call(contextB, () -> other.resume(exchange, "tools/call t",
        params.copy().put("requestState", orphan)));
    Eventually.await("the refusal", Duration.ofSeconds(10), lost::isComplete);
    assertThat(lost.cause()).hasMessageContaining("no pending call");
  }
}
