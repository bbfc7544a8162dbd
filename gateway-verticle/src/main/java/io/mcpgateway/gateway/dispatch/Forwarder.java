package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.session.ClientRelay;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.server.UpstreamServer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Sends one request of a client to the linked server that owns it ({@code tools/call}, {@code prompts/get},
 * {@code resources/read}, {@code completion/complete}) and hands back the server's result, the same way for
 * every method: what the upstream says or asks while serving it (progress, log messages, sampling, elicitation,
 * roots) goes back to this caller only, on the request's own stream; the caller can cancel it; a modern
 * upstream's {@code input_required} goes to a modern caller as is and is bridged for a 2025 one
 * ({@link InputRequiredBridge}), and a 2025-era upstream's requests during a modern caller's request become
 * {@code input_required} rounds ({@link HeldCall}); resource URIs in the result are those the client reads through
 * the preset ({@link ResultUris}).
 */
final class Forwarder {
  private final CatalogService catalogs;
  private final Upstreams upstreams;
  /** Null: a 2025-era upstream's requests during a modern caller's request are refused (nothing holds them). */
  private final HeldCalls held;

  Forwarder(CatalogService catalogs, Upstreams upstreams, HeldCalls held) {
    this.catalogs = catalogs;
    this.upstreams = upstreams;
    this.held = held;
  }

  Future<JsonObject> forward(Exchange ex, Object requestId, UUID serverId, String method, JsonObject params) {
    return catalogs.server(serverId).compose(server -> server.isEmpty() || !server.get().active()
        ? Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "the server answering " + method + " is no longer available"))
        : forward(ex, requestId, server.get(), method, params));
  }

  Future<JsonObject> forward(Exchange ex, Object requestId, UpstreamServer server, String method, JsonObject params) {
    Session session = ex.session();
    JsonObject requestMeta = params.getValue("_meta") instanceof JsonObject m ? m : null;
    // A 2025 caller's session relays the upstream's requests on this request's stream (or its GET stream); a
    // modern caller (no session) gets notifications only, log messages as its request's _meta asks.
    ClientRelay clientRelay = session == null ? null : new ClientRelay(session, ex.channel()::notify, ex.channel()::send);
    CallRelay relay = clientRelay != null ? clientRelay : CallRelay.notificationsOnly(n -> {
      if (LogLevels.wanted(requestMeta, n)) {
        ex.channel().notify(n);
      }
    });
    Future<JsonObject> result = start(ex, requestId, server, method, params, relay).result();
    if (session != null) {
      // A modern client handles input_required itself; a 2025 one is asked on the request's stream, and each
      // retry is cancellable like the first request.
      result = result.compose(r -> InputRequiredBridge.complete(r, relay,
          extra -> start(ex, requestId, server, method, params.copy().mergeIn(extra), relay).result()));
    }
    return result.compose(r -> ResultUris.expose(catalogs, ex.preset(), server.id(), r)).andThen(ar -> {
      if (clientRelay != null) {
        clientRelay.callEnded();
      }
      if (session != null && requestId != null) {
        session.untrack(requestId);
      }
    });
  }

  /**
   * A request that may take several rounds (MCP 2026-07-28 basic/patterns/mrtr §Supported Requests: {@code tools/call},
   * {@code prompts/get}, {@code resources/read}); {@code exposed} is the tool or prompt name or resource URI the client
   * used, {@code finish} what the gateway does to the final result (after {@link ResultUris}), {@code onEnd} hears the
   * final outcome once. A modern caller declaring client capabilities gets its request held ({@link #hold}); anyone
   * else is forwarded as above.
   */
  Future<JsonObject> forward(Exchange ex, Object requestId, UpstreamServer server, String method, JsonObject params,
      String exposed, UnaryOperator<JsonObject> finish, Consumer<AsyncResult<JsonObject>> onEnd) {
    JsonObject declared = ex.session() == null && held != null
        ? ModernCaller.declared(params.getValue("_meta") instanceof JsonObject m ? m : null) : new JsonObject();
    if (!declared.isEmpty()) {
      return hold(ex, server, method + " " + exposed, method, params, declared, finish, onEnd);
    }
    return forward(ex, requestId, server, method, params).map(finish).andThen(onEnd::accept);
  }

  /** {@link #forward(Exchange, Object, UpstreamServer, String, JsonObject, String, UnaryOperator, Consumer)} by server id. */
  Future<JsonObject> forward(Exchange ex, Object requestId, UUID serverId, String method, JsonObject params,
      String exposed, UnaryOperator<JsonObject> finish) {
    return catalogs.server(serverId).compose(server -> server.isEmpty() || !server.get().active()
        ? Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "the server answering " + method + " is no longer available"))
        : forward(ex, requestId, server.get(), method, params, exposed, finish, ar -> { }));
  }

  /** What a held request is, as its state binds it: the method and the exposed name or URI the client sent. */
  static String target(String method, JsonObject params) {
    Object exposed = params.getValue("resources/read".equals(method) ? "uri" : "name");
    return method + " " + exposed;
  }

  /**
   * A modern caller's request that a 2025-era upstream may answer with requests of its own: it runs on an upstream
   * session of its own declaring {@code declared} ({@link ModernCaller}), and each upstream request becomes an
   * {@code input_required} round of a {@link HeldCall} (its retries come through {@link HeldCalls#resume}).
   */
  private Future<JsonObject> hold(Exchange ex, UpstreamServer server, String target, String method, JsonObject params,
      JsonObject declared, UnaryOperator<JsonObject> finish, Consumer<AsyncResult<JsonObject>> onEnd) {
    HeldCall call = held.open(ex.caller(), ex.preset().id(), target, upstreams.callTimeout(server), onEnd);
    HeldCall.Waiter first = HeldCall.Waiter.of(ex.channel(), params.getValue("_meta") instanceof JsonObject m ? m : null);
    UpstreamCall upstream = upstreams.call(server, method, params, ModernCaller.of(ex.caller(), declared), call.relay());
    // The final result is made the client's here, whichever retry it answers.
    Future<JsonObject> finished = upstream.result()
        .compose(r -> ResultUris.expose(catalogs, ex.preset(), server.id(), r)).map(finish);
    ex.onCancel(reason -> call.clientGone(first, reason));
    return call.start(new UpstreamCall() {
      @Override
      public Future<JsonObject> result() {
        return finished;
      }

      @Override
      public void cancel(String reason) {
        upstream.cancel(reason);
      }
    }, first);
  }

  private UpstreamCall start(Exchange ex, Object requestId, UpstreamServer server, String method, JsonObject params,
      CallRelay relay) {
    UpstreamCall call = upstreams.call(server, method, params, ex.session(), relay);
    if (ex.session() != null && requestId != null) {
      ex.session().track(requestId, call);
    }
    ex.onCancel(call::cancel);
    return call;
  }

  /** One more holder of the server's resource subscription (see {@link Upstreams#subscribe}). */
  Future<Void> subscribe(UUID serverId, String uri) {
    return catalogs.server(serverId).compose(server -> server.isEmpty() || !server.get().active()
        ? Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "the server is no longer available"))
        : upstreams.subscribe(server.get(), uri));
  }

  void unsubscribe(UUID serverId, String uri) {
    upstreams.unsubscribe(serverId, uri);
  }
}
