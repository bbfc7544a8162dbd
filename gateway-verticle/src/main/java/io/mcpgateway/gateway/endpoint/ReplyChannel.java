package io.mcpgateway.gateway.endpoint;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to one POSTed request (transports §Sending Messages to the Server): plain JSON when the
 * response is all there is, an SSE stream as soon as a notification for the request must go first (progress,
 * log messages) and the client accepts {@code text/event-stream}.
 */
final class ReplyChannel {
  private final RoutingContext ctx;
  private final boolean sseAccepted;
  private final boolean ssePreferred;
  private boolean streaming;

  /** {@code ssePreferred}: the client listed text/event-stream before application/json in Accept. */
  ReplyChannel(RoutingContext ctx, boolean sseAccepted, boolean ssePreferred) {
    this.ctx = ctx;
    this.sseAccepted = sseAccepted;
    this.ssePreferred = sseAccepted && ssePreferred;
  }

  void notification(JsonObject notification) {
    HttpServerResponse response = ctx.response();
    if (!sseAccepted || response.ended() || response.closed()) {
      return;
    }
    startStream(response);
    response.write(event(notification));
  }

  private void startStream(HttpServerResponse response) {
    if (!streaming) {
      streaming = true;
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
    }
  }

  void reply(JsonObject message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (ssePreferred) {
      startStream(response);
    }
    if (streaming) {
      response.end(event(message));
    } else {
      McpReplies.json(ctx, 200, message);
    }
  }

  private static Buffer event(JsonObject message) {
    return Buffer.buffer("event: message\ndata: " + message.encode() + "\n\n");
  }
}
