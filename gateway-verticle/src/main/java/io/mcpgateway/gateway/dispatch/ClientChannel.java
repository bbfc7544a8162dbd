package io.mcpgateway.gateway.dispatch;

import io.vertx.core.json.JsonObject;

/**
 * Messages from the gateway to the client that relate to the request being answered (progress, log
 * messages, an upstream's requests for the client), sent before its response. The transport decides how they
 * travel (an SSE stream for a POST in Streamable HTTP) and may drop them when it cannot carry them (a batch, a
 * client that does not accept SSE).
 */
@FunctionalInterface
public interface ClientChannel {
  ClientChannel NONE = n -> { };

  void notify(JsonObject notification);

  /**
   * Sends any message (a request for the client: sampling, elicitation, roots) with the request's answer;
   * false when this channel cannot carry it, so the caller can try the session's own stream.
   */
  default boolean send(JsonObject message) {
    return false;
  }
}
