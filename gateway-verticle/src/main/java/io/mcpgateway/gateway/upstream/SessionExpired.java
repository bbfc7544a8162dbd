package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;

/** The upstream forgot our session (HTTP 404, transports §Session Management): reconnect and retry once. */
final class SessionExpired extends GatewayException {
  SessionExpired(String name) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name + "\" ended the session");
  }
}
