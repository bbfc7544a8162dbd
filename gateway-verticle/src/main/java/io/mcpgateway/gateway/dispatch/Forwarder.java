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
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Sends one request of a client to the linked server that owns it ({@code tools/call}, {@code prompts/get},
 * {@code resources/read}, {@code completion/complete}) and hands back the server's result, the same way for
 * every method: what the upstream says or asks while serving it (progress, log messages, sampling, elicitation,
 * roots) goes back to this caller only, on the request's own stream; the caller can cancel it; a modern
 * upstream's {@code input_required} goes to a modern caller as is and is bridged for a 2025 one
 * ({@link InputRequiredBridge}); resource URIs in the result are those the client reads through the preset
 * ({@link ResultUris}).
 */
final class Forwarder {
  private final CatalogService catalogs;
  private final Upstreams upstreams;

  Forwarder(CatalogService catalogs, Upstreams upstreams) {
    this.catalogs = catalogs;
    this.upstreams = upstreams;
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
   * A modern caller's request that a 2025-era upstream may answer with requests of its own: it runs on an upstream
   * session of its own declaring {@code declared} ({@link ModernCaller}), and each upstream request becomes an
   * {@code input_required} round of the returned {@link HeldCall} (its retries come through
   * {@link HeldCalls#resume}). {@code onEnd} hears the final outcome once.
   */
  Future<JsonObject> hold(Exchange ex, HeldCalls held, UpstreamServer server, String exposedName, String method,
      JsonObject params, JsonObject declared, java.util.function.Consumer<io.vertx.core.AsyncResult<JsonObject>> onEnd) {
    HeldCall call = held.open(ex.caller(), ex.preset().id(), exposedName, upstreams.callTimeout(server), onEnd);
    HeldCall.Waiter first = HeldCall.Waiter.of(ex.channel(), params.getValue("_meta") instanceof JsonObject m ? m : null);
    UpstreamCall upstream = upstreams.call(server, method, params, ModernCaller.of(ex.caller(), declared), call.relay());
    Future<JsonObject> exposed = upstream.result().compose(r -> ResultUris.expose(catalogs, ex.preset(), server.id(), r));
    ex.onCancel(reason -> call.clientGone(first, reason));
    return call.start(new UpstreamCall() {
      @Override
      public Future<JsonObject> result() {
        return exposed;
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
