package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.json.JsonObject;

/** The upstream answered with a JSON-RPC error; the endpoint relays {@link #error()} to the caller as it is. */
public final class UpstreamRpcError extends GatewayException {
  private final JsonObject error;

  public UpstreamRpcError(JsonObject error) {
    super(ErrorCode.INVALID_INPUT, error.getString("message", "upstream error"));
    this.error = error.copy();
  }

  public JsonObject error() {
    return error.copy();
  }
}
