package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;

/** Request parameter failures: JSON-RPC -32602 with a message saying what was wrong. */
final class Params {
  private Params() {}

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: " + message);
  }
}
