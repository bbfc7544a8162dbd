package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.dispatch.ClientChannel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to one POSTed request (transports §Sending Messages to the Server): plain JSON when the
 * response is all there is, an SSE stream as soon as a notification for the request must go first (progress,
 * log messages) and the client accepts {@code text/event-stream}.
 *
 * <p>Back-pressure: progress and log notifications are advisory, so while the caller's connection cannot take
 * more (its write queue is full: the caller reads slower than the upstream reports) they are dropped, not
 * queued; the response itself is always written. What the gateway holds for one slow caller is thus the
 * connection's write queue plus one message, however fast an upstream floods it.
 */
final class ReplyChannel implements ClientChannel {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplyChannel.class);

  private final RoutingContext ctx;
  private final boolean sseAccepted;
  private final boolean ssePreferred;
  private boolean streaming;
  private long dropped;

  /** {@code ssePreferred}: the client listed text/event-stream before application/json in Accept. */
  ReplyChannel(RoutingContext ctx, boolean sseAccepted, boolean ssePreferred) {
    this.ctx = ctx;
    this.sseAccepted = sseAccepted;
    this.ssePreferred = sseAccepted && ssePreferred;
  }

  @Override
  public void notify(JsonObject notification) {
    HttpServerResponse response = ctx.response();
    if (!sseAccepted || response.ended() || response.closed()) {
      return;
    }
    startStream(response);
    if (response.writeQueueFull()) {
      if (dropped++ == 0) {
        LOG.debug("caller reads slower than its notifications arrive; dropping them until it catches up");
      }
      return;
    }
    response.write(event(notification));
  }

  /**
   * Writes an upstream's request for the client (sampling, elicitation, roots) on this request's SSE stream; not
   * dropped under back-pressure (the session bounds how many wait). False when the client cannot receive it here.
   */
  @Override
  public boolean send(JsonObject message) {
    HttpServerResponse response = ctx.response();
    if (!sseAccepted || response.ended() || response.closed()) {
      return false;
    }
    startStream(response);
    response.write(event(message));
    return true;
  }

  /** Notifications dropped because the caller's connection was not taking more. */
  long dropped() {
    return dropped;
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
