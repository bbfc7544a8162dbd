package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One {@code tools/call}, {@code prompts/get} or {@code resources/read} of a 2026-07-28 caller to a 2025-era upstream that asks its client something
 * (sampling, elicitation, roots) while serving it. The upstream waits on its open connection, so the gateway holds
 * the call here, on the instance that made it, between the caller's HTTP requests (MCP 2026-07-28
 * basic/patterns/mrtr): each upstream request becomes an entry of an {@code input_required} result, and the
 * caller's retry answers it upstream with the matching {@code inputResponses} entry; the next upstream request is
 * another round, the upstream's final result the retry's result. Between two rounds the call waits at most
 * {@link HeldCalls#HOLD} for the retry, then the upstream's requests get an error and its call is cancelled.
 * A client that re-sends a retry whose answer it lost gets "already used": each state answers one retry.
 * Confined to the instance's event loop.
 */
final class HeldCall {
  /** Requests the upstream may have open to the caller at once (more are refused at once). */
  static final int MAX_ASKS = 16;

  /** The HTTP request currently waiting for the next event (a round's answer or the final result). */
  record Waiter(Promise<JsonObject> answer, ClientChannel channel, JsonObject meta) {
    static Waiter of(ClientChannel channel, JsonObject meta) {
      return new Waiter(Promise.promise(), channel, meta);
    }
  }

  private static final class Ask {
    final ServerRequest request;
    final Promise<JsonObject> answer = Promise.promise();

    Ask(ServerRequest request) {
      this.request = request;
    }
  }

  final String id = UUID.randomUUID().toString();
  final String callerKey;
  final UUID presetId;
  /** What the call is: its method and the exposed tool or prompt name or resource URI. */
  final String target;
  final long deadlineMillis;
  private final Vertx vertx;
  private final HeldCalls registry;
  private final Consumer<AsyncResult<JsonObject>> onEnd;
  private final Map<String, Ask> asks = new LinkedHashMap<>();
  private int nextAsk = 1;
  private int round;
  private Waiter waiter;
  private AsyncResult<JsonObject> outcome;
  private UpstreamCall upstream;
  private boolean ended;
  private boolean flushing;
  private long expiry = -1;

  HeldCall(Vertx vertx, HeldCalls registry, String callerKey, UUID presetId, String target, long deadlineMillis,
      Consumer<AsyncResult<JsonObject>> onEnd) {
    this.vertx = vertx;
    this.registry = registry;
    this.callerKey = callerKey;
    this.presetId = presetId;
    this.target = target;
    this.deadlineMillis = deadlineMillis;
    this.onEnd = onEnd;
  }

  /** Where the upstream's messages about this call go: notifications to the waiting request, requests to asks. */
  CallRelay relay() {
    return new CallRelay() {
      @Override
      public void notification(JsonObject notification) {
        Waiter w = waiter;
        if (w == null) {
          return; // between rounds no stream is open to carry it
        }
        JsonObject out = notification;
        if ("notifications/progress".equals(notification.getString("method"))) {
          // Progress goes under the token of the request now waiting (a retry may bring a new one).
          Object token = w.meta() == null ? null : w.meta().getValue("progressToken");
          if (token == null) {
            return;
          }
          out = notification.copy();
          out.getJsonObject("params").put("progressToken", token);
        }
        if (LogLevels.wanted(w.meta(), out)) {
          w.channel().notify(out);
        }
      }

      @Override
      public Future<JsonObject> request(ServerRequest request) {
        return ask(request);
      }
    };
  }

  /** Starts holding {@code call} for the caller's first request; completes with its result or the first round. */
  Future<JsonObject> start(UpstreamCall call, Waiter first) {
    this.upstream = call;
    this.waiter = first;
    call.result().onComplete(this::upstreamEnded);
    return first.answer().future();
  }

  private Future<JsonObject> ask(ServerRequest request) {
    if (ended || outcome != null) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "the call that caused it has ended"));
    }
    if (asks.size() >= MAX_ASKS) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "too many requests to the client in "
          + "flight for this call (max " + MAX_ASKS + ")"));
    }
    if (!registry.admit(this)) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "the gateway instance holds the maximum of "
          + HeldCalls.MAX_HELD + " calls waiting for their clients' input"));
    }
    String key = "q" + nextAsk++;
    Ask a = new Ask(request);
    asks.put(key, a);
    request.onCancel(reason -> {
      // The upstream withdrew it (or the connection closed): nobody needs the answer any more.
      asks.remove(key);
      a.answer.tryFail(new GatewayException(ErrorCode.UNAVAILABLE, "cancelled: " + reason));
    });
    if (!flushing) {
      // Requests the upstream sends together (one burst) go out in one round.
      flushing = true;
      vertx.runOnContext(v -> {
        flushing = false;
        settle();
      });
    }
    return a.answer.future();
  }

  /**
   * The caller's retry for round {@code stateRound}: each {@code inputResponses} entry answers its upstream request;
   * completes with the next round or the final result. Fails (and changes nothing) when the retry does not fit.
   */
  Future<JsonObject> resume(int stateRound, String caller, Object responses, Waiter next) {
    if (ended) {
      return Future.failedFuture(HeldCalls.unknown());
    }
    if (!callerKey.equals(caller)) {
      return Future.failedFuture(HeldCallStates.invalid("requestState belongs to another caller"));
    }
    if (stateRound != round || waiter != null) {
      return Future.failedFuture(HeldCallStates.invalid("requestState was already used; retry with the latest one"));
    }
    if (responses != null && !(responses instanceof JsonObject)) {
      return Future.failedFuture(HeldCallStates.invalid("inputResponses must be an object"));
    }
    JsonObject answers = responses == null ? new JsonObject() : (JsonObject) responses;
    for (String key : answers.fieldNames()) {
      if (asks.containsKey(key) && !(answers.getValue(key) instanceof JsonObject)) {
        return Future.failedFuture(HeldCallStates.invalid("inputResponses." + key + " must be an object (the result of "
            + asks.get(key).request.method() + ")"));
      }
    }
    cancelExpiry();
    waiter = next;
    // mrtr §Error Handling: entries the gateway did not ask for are ignored; unanswered ones are asked again.
    for (String key : answers.fieldNames()) {
      Ask a = asks.remove(key);
      if (a != null) {
        a.answer.tryComplete(new JsonObject().put("result", answers.getJsonObject(key)));
      }
    }
    settle();
    return next.answer().future();
  }

  /** The waiting request's stream closed (transports §Cancellation): the upstream call is cancelled. */
  void clientGone(Waiter w, String reason) {
    if (waiter == w && !ended) {
      waiter = null;
      GatewayException cancelled = new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + reason);
      end(cancelled);
      if (upstream != null) {
        upstream.cancel(reason);
      }
      w.answer().tryFail(cancelled); // nobody reads it, but what waits on it (a forwarded retry's reply) is released
    }
  }

  /** Between rounds for longer than the hold: the caller will not follow up. */
  void expire() {
    if (waiter == null && !ended) {
      String reason = "the calling client did not follow up within " + registry.hold().toMillis() + " ms";
      end(new GatewayException(ErrorCode.TIMEOUT, reason));
      if (outcome == null && upstream != null) {
        upstream.cancel(reason);
      }
    }
  }

  /** The holding instance stops: what waits gets an error, the upstream call is cancelled. */
  void abort(String reason) {
    Waiter w = waiter;
    waiter = null;
    if (!ended) {
      end(new GatewayException(ErrorCode.UNAVAILABLE, reason));
      if (outcome == null && upstream != null) {
        upstream.cancel(reason);
      }
    }
    if (w != null) {
      w.answer().tryFail(new GatewayException(ErrorCode.UNAVAILABLE, reason));
    }
  }

  private void upstreamEnded(AsyncResult<JsonObject> ar) {
    outcome = ar;
    failAsks("the upstream call has ended");
    settle();
  }

  /** Answers the waiting request when there is something to say: questions first, else the final outcome. */
  private void settle() {
    Waiter w = waiter;
    if (w == null || ended) {
      return;
    }
    if (!asks.isEmpty() && outcome == null) {
      waiter = null;
      round++;
      JsonObject requests = new JsonObject();
      asks.forEach((key, a) -> requests.put(key, new JsonObject().put("method", a.request.method())
          .put("params", a.request.params())));
      String state = registry.seal(this, round);
      expiry = vertx.setTimer(registry.hold().toMillis(), t -> {
        expiry = -1;
        expire();
      });
      w.answer().complete(new JsonObject().put("resultType", "input_required").put("inputRequests", requests)
          .put("requestState", state));
    } else if (outcome != null) {
      waiter = null;
      end(null);
      if (outcome.succeeded()) {
        w.answer().complete(outcome.result());
      } else {
        w.answer().fail(outcome.cause());
      }
    }
  }

  /** {@code why}: what ended a call the upstream has not finished (null once it has). */
  private void end(GatewayException why) {
    ended = true;
    cancelExpiry();
    failAsks(why == null ? "the call has ended" : why.getMessage());
    registry.remove(this);
    onEnd.accept(outcome != null || why == null ? outcome : Future.failedFuture(why));
  }

  private void failAsks(String reason) {
    var open = new ArrayList<>(asks.values());
    asks.clear();
    // The upstream's requests get an error answer (McpClientConnection sends it under the upstream's id).
    open.forEach(a -> a.answer.tryFail(new GatewayException(ErrorCode.TIMEOUT, reason)));
  }

  private void cancelExpiry() {
    if (expiry >= 0) {
      vertx.cancelTimer(expiry);
      expiry = -1;
    }
  }
}
