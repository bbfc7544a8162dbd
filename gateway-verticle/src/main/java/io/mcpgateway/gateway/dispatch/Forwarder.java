package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Sends one request of a client to the linked server that owns it (prompts/get, resources/read,
 * completion/complete, subscriptions) and hands back the server's result untouched; the caller can cancel it,
 * and progress and log messages for it reach the caller's channel.
 */
final class Forwarder {
  private final CatalogService catalogs;
  private final Upstreams upstreams;

  Forwarder(CatalogService catalogs, Upstreams upstreams) {
    this.catalogs = catalogs;
    this.upstreams = upstreams;
  }

  Future<JsonObject> forward(Exchange ex, Object requestId, UUID serverId, String method, JsonObject params) {
    return catalogs.server(serverId).compose(server -> {
      if (server.isEmpty() || !server.get().active()) {
        return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "the server answering " + method + " is no longer available"));
      }
      UpstreamCall call = upstreams.call(server.get(), method, params, null, CallRelay.notificationsOnly(n -> {
        if (ex.session().wantsLog(n)) {
          ex.channel().notify(n);
        }
      }));
      if (requestId != null) {
        ex.session().track(requestId, call);
        return call.result().andThen(ar -> ex.session().untrack(requestId));
      }
      return call.result();
    });
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
