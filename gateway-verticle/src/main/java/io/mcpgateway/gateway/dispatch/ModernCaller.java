package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.gateway.upstream.DownstreamClient;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A 2026-07-28 caller as a 2025-era upstream sees it: the client capabilities its request's {@code _meta} declares
 * (the relayed ones), spoken for by an upstream session that serves one call of this caller at a time
 * ({@link #exclusive}), so an upstream's request can only be about that call. Sessions are reused by later calls
 * of the same caller declaring the same capabilities (the key). Such a caller has no stream outside its calls:
 * what an upstream raises with no call in flight is refused.
 */
record ModernCaller(String sessionId, JsonObject capabilities) implements DownstreamClient {
  /** Longer declarations (as JSON) are kept by capability name and elicitation mode only. */
  static final int MAX_CAPABILITIES_BYTES = 256;

  /** The relayed capabilities a modern request declares in its {@code _meta} (bounded); empty when none. */
  static JsonObject declared(JsonObject requestMeta) {
    return DownstreamClient.boundedRelayedCapabilities(requestMeta == null ? null
        : requestMeta.getValue(RequestMeta.CLIENT_CAPABILITIES) instanceof JsonObject c ? c : null, MAX_CAPABILITIES_BYTES);
  }

  static ModernCaller of(Caller caller, JsonObject relayed) {
    return new ModernCaller("modern " + caller.rateKey() + " " + relayed.encode(), relayed);
  }

  @Override
  public boolean exclusive() {
    return true;
  }

  @Override
  public Future<JsonObject> request(ServerRequest request) {
    return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
        "a 2026-07-28 client can be asked only about a call in flight (" + request.method() + " came with none)"));
  }

  @Override
  public void notification(JsonObject notification) {
    // No stream outside a call to carry it.
  }
}
