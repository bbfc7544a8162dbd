package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The calls this gateway instance holds for 2026-07-28 callers while a 2025-era upstream waits for their input
 * ({@link HeldCall}), bounded ({@link #MAX_HELD}) and each expiring {@link #HOLD} after asking. A retry carries the
 * sealed {@code requestState} ({@link HeldCallStates}) naming the holding instance: one that lands elsewhere — on
 * another instance of the node, or on another node of a cluster — is forwarded over the event bus to the holder
 * ({@link Addresses#HELD_CALLS} + instance id), which answers it; its progress and log messages come back on a
 * reply address of the forwarding instance, and closing the retry's stream there cancels the call. Confined to the
 * instance's event loop.
 */
public final class HeldCalls {
  /** How long a call waits for the caller's retry after asking it for input. */
  public static final Duration HOLD = Duration.ofSeconds(60);
  /** Calls one instance holds at once; past it the upstream's requests are refused at once. */
  public static final int MAX_HELD = 1000;
  /** A forwarded retry waits for the holder until the upstream call's own deadline, plus this. */
  private static final long FORWARD_MARGIN_MS = 5000;

  private final Vertx vertx;
  private final HeldCallStates states;
  private final Duration hold;
  private final String address;
  private final Map<String, HeldCall> held = new HashMap<>();
  /** Retries forwarded here and still waiting, by their reply address: how to cancel each. */
  private final Map<String, Consumer<String>> forwarded = new HashMap<>();
  private final MessageConsumer<JsonObject> consumer;
  /** This node's count of held calls (all instances), behind the gauge {@code mgw_held_calls}. */
  private final AtomicLong nodeCount;

  /** One count per meter registry (one per node): every instance adds its calls to it. */
  private static final Map<MeterRegistry, AtomicLong> NODE_COUNTS = new ConcurrentHashMap<>();

  private static AtomicLong nodeCount(MeterRegistry registry) {
    if (registry == null) {
      return new AtomicLong(); // metrics off
    }
    return NODE_COUNTS.computeIfAbsent(registry, r -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("mgw_held_calls", count, AtomicLong::get)
          .description("Calls held for 2026-07-28 callers' input while a 2025-era upstream waits, on this node")
          .register(r);
      return count;
    });
  }

  public HeldCalls(Vertx vertx, HeldCallStates states, String instanceId) {
    this(vertx, states, instanceId, HOLD);
  }

  HeldCalls(Vertx vertx, HeldCallStates states, String instanceId, Duration hold) {
    this(vertx, states, instanceId, hold, BackendRegistries.getDefaultNow());
  }

  /**
   * {@code hold}: how long a call waits for the retry ({@link #HOLD} in production); {@code registry} gets the
   * node's {@code mgw_held_calls} gauge (null: metrics off).
   */
  HeldCalls(Vertx vertx, HeldCallStates states, String instanceId, Duration hold, MeterRegistry registry) {
    this.vertx = vertx;
    this.states = states;
    this.hold = hold;
    this.nodeCount = nodeCount(registry);
    this.address = Addresses.HELD_CALLS + instanceId;
    this.consumer = vertx.eventBus().consumer(address, this::onMessage);
  }

  /** A call about to start for {@code caller}; it is registered only once it asks the caller something. */
  HeldCall open(Caller caller, UUID presetId, String target, Duration upstreamTimeout,
      Consumer<AsyncResult<JsonObject>> onEnd) {
    return new HeldCall(vertx, this, caller.rateKey(), presetId, target, states.now() + upstreamTimeout.toMillis(), onEnd);
  }

  boolean admit(HeldCall call) {
    if (held.containsKey(call.id)) {
      return true;
    }
    if (held.size() >= MAX_HELD) {
      return false;
    }
    held.put(call.id, call);
    nodeCount.incrementAndGet();
    return true;
  }

  void remove(HeldCall call) {
    if (held.remove(call.id, call)) {
      nodeCount.decrementAndGet();
    }
  }

  String seal(HeldCall call, int round) {
    return states.seal(new HeldCallStates.State(address, call.id, round, call.callerKey, call.presetId, call.target,
        states.now() + hold.toMillis(), call.deadlineMillis));
  }

  Duration hold() {
    return hold;
  }

  /** How many calls this instance holds now. */
  public int size() {
    return held.size();
  }

  static GatewayException unknown() {
    return HeldCallStates.invalid("no pending call for this requestState: it completed, expired, or the gateway "
        + "instance holding it stopped; send the request again without it");
  }

  /**
   * A retry ({@code tools/call}, {@code prompts/get}, {@code resources/read}) carrying one of the gateway's own states: answered by the call it names, here or on
   * the instance holding it. Fails with a -32602 error for a forged, expired, used or someone else's state.
   */
  Future<JsonObject> resume(Exchange ex, String target, JsonObject params) {
    String token = (String) params.getValue("requestState");
    HeldCallStates.State state;
    try {
      state = states.open(token);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    if (!state.presetId().equals(ex.preset().id()) || !state.target().equals(target)) {
      // mrtr §Server Requirements 5: state presented on a request it does not belong to.
      return Future.failedFuture(HeldCallStates.invalid("requestState belongs to another call (" + state.target()
          + (state.presetId().equals(ex.preset().id()) ? "" : " of another preset") + "); send that request again without it"));
    }
    String caller = ex.caller().rateKey();
    JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : null;
    if (state.holder().equals(address)) {
      return resumeHere(state, caller, params.getValue("inputResponses"), ex.channel(), meta, ex::onCancel);
    }
    return forward(state, token, caller, params.getValue("inputResponses"), meta, ex);
  }

  private Future<JsonObject> resumeHere(HeldCallStates.State state, String caller, Object responses,
      ClientChannel channel, JsonObject meta, Consumer<Consumer<String>> onCancel) {
    HeldCall call = held.get(state.exchange());
    if (call == null) {
      return Future.failedFuture(unknown());
    }
    HeldCall.Waiter waiter = HeldCall.Waiter.of(channel, meta);
    Future<JsonObject> answer = call.resume(state.round(), caller, responses, waiter);
    onCancel.accept(reason -> call.clientGone(waiter, reason));
    return answer;
  }

  private Future<JsonObject> forward(HeldCallStates.State state, String token, String caller, Object responses,
      JsonObject meta, Exchange ex) {
    String replyTo = Addresses.HELD_CALL_MESSAGES + UUID.randomUUID();
    MessageConsumer<JsonObject> messages = vertx.eventBus().consumer(replyTo, m -> ex.channel().notify(m.body()));
    JsonObject body = new JsonObject().put("v", 1).put("op", "resume").put("state", token).put("caller", caller)
        .put("inputResponses", responses).put("meta", meta).put("messages", replyTo);
    long wait = Math.max(1000, state.deadlineMillis() - states.now()) + FORWARD_MARGIN_MS;
    ex.onCancel(reason -> vertx.eventBus().send(state.holder(), new JsonObject().put("v", 1).put("op", "cancel")
        .put("messages", replyTo).put("reason", reason)));
    return messages.completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(state.holder(), body, new DeliveryOptions().setSendTimeout(wait)))
        .transform(ar -> {
          messages.unregister();
          if (ar.succeeded()) {
            return decode(ar.result().body());
          }
          if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.failedFuture(unknown());
          }
          if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
            return Future.failedFuture(new GatewayException(ErrorCode.TIMEOUT, "the gateway instance holding the call "
                + "did not answer within " + wait + " ms"));
          }
          return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "could not reach the gateway instance "
              + "holding the call: " + ar.cause().getMessage()));
        });
  }

  /** A retry forwarded by another instance, or its cancellation. */
  private void onMessage(Message<JsonObject> m) {
    JsonObject b = m.body();
    String replyTo = b.getString("messages");
    if ("cancel".equals(b.getString("op"))) {
      Consumer<String> cancel = replyTo == null ? null : forwarded.remove(replyTo);
      if (cancel != null) {
        cancel.accept(b.getString("reason", "the client closed the response stream"));
      }
      return;
    }
    if (replyTo == null || !(b.getValue("state") instanceof String token) || !HeldCallStates.ours(token)) {
      m.reply(encode(Future.failedFuture(unknown())));
      return;
    }
    HeldCallStates.State state;
    try {
      state = states.open(token);
    } catch (GatewayException e) {
      m.reply(encode(Future.failedFuture(e)));
      return;
    }
    List<Consumer<String>> cancels = new ArrayList<>();
    ClientChannel channel = n -> vertx.eventBus().send(replyTo, n);
    Future<JsonObject> answer = resumeHere(state, b.getString("caller", ""), b.getValue("inputResponses"), channel,
        b.getValue("meta") instanceof JsonObject meta ? meta : null, cancels::add);
    if (!answer.isComplete()) {
      forwarded.put(replyTo, reason -> cancels.forEach(c -> c.accept(reason)));
    }
    answer.onComplete(ar -> {
      forwarded.remove(replyTo);
      m.reply(encode(ar));
    });
  }

  /** An outcome as a bus reply ({@code result}, the upstream's {@code error}, or a {@code failure} code); shared with TaskMethods. */
  static JsonObject encode(AsyncResult<JsonObject> ar) {
    if (ar.succeeded()) {
      return new JsonObject().put("result", ar.result());
    }
    if (ar.cause() instanceof UpstreamRpcError e) {
      return new JsonObject().put("error", e.error());
    }
    ErrorCode code = ar.cause() instanceof GatewayException g ? g.code() : ErrorCode.INTERNAL;
    return new JsonObject().put("failure", code.name()).put("message", ar.cause() instanceof GatewayException
        ? ar.cause().getMessage() : "the gateway instance holding the call failed");
  }

  static Future<JsonObject> decode(JsonObject reply) {
    if (reply.getValue("result") instanceof JsonObject result) {
      return Future.succeededFuture(result);
    }
    if (reply.getValue("error") instanceof JsonObject error) {
      return Future.failedFuture(new UpstreamRpcError(error));
    }
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(reply.getString("failure", "INTERNAL"));
    } catch (IllegalArgumentException e) {
      code = ErrorCode.INTERNAL;
    }
    return Future.failedFuture(new GatewayException(code, reply.getString("message", "the held call failed")));
  }

  /** The instance stops: every held call's upstream requests get an error and its call is cancelled. */
  public Future<Void> close() {
    new ArrayList<>(held.values()).forEach(c -> c.abort("the gateway instance holding the call is stopping"));
    return consumer.unregister();
  }
}
