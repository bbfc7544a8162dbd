package io.mcpgateway.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * A request an upstream server sent to its client (MCP 2025-11-25 client features: {@code sampling/createMessage},
 * {@code elicitation/create}, {@code roots/list}), on its way to the downstream client that must answer it.
 * The upstream may cancel it ({@code notifications/cancelled}); whoever carries it downstream registers
 * {@link #onCancel} to pass that on.
 */
public final class ServerRequest {
  private final String method;
  private final JsonObject params;
  private Handler<String> onCancel;
  private boolean cancelled;

  public ServerRequest(String method, JsonObject params) {
    this.method = method;
    this.params = params;
  }

  public String method() {
    return method;
  }

  /** The upstream's params as sent (its own request id is not part of it: the gateway maps ids). */
  public JsonObject params() {
    return params;
  }

  public void onCancel(Handler<String> handler) {
    this.onCancel = handler;
  }

  public boolean cancelled() {
    return cancelled;
  }

  /** Cancels it: the upstream withdrew it, or the call it belonged to ended. */
  public void cancel(String reason) {
    if (!cancelled) {
      cancelled = true;
      if (onCancel != null) {
        onCancel.handle(reason);
      }
    }
  }
}
