package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.dispatch.ClientChannel;
import io.mcpgateway.gateway.session.EventStreams;
import io.mcpgateway.gateway.session.Session;
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
 *
 * <p>In a 2025-era session the stream is resumable (transports §Resumability and Redelivery, {@link EventStreams}):
 * every event has an id, a 2025-11-25 client gets a priming event first, and what is sent after the connection
 * is lost — the response included — is kept (bounded) for the client's GET with {@code Last-Event-ID}. The
 * gateway keeps the connection until the response: it never closes a POST stream early.
 */
final class ReplyChannel implements ClientChannel {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplyChannel.class);

  private final RoutingContext ctx;
  private final boolean sseAccepted;
  private final boolean ssePreferred;
  private final Session session;
  private boolean streaming;
  /** The session's resumable stream once the reply is SSE (2025 era); null without a session. */
  private EventStreams.Stream stream;
  private long dropped;

  /** {@code ssePreferred}: the client listed text/event-stream before application/json in Accept. */
  ReplyChannel(RoutingContext ctx, boolean sseAccepted, boolean ssePreferred) {
    this(ctx, sseAccepted, ssePreferred, null);
  }

  /**
   * With a {@code session}, the SSE reply is one of its resumable streams (event ids, a priming event, replay on a
   * GET with Last-Event-ID after the connection is lost), and a client preferring SSE gets the stream at once, so
   * it holds an event id to resume from however long the call takes.
   */
  ReplyChannel(RoutingContext ctx, boolean sseAccepted, boolean ssePreferred, Session session) {
    this.ctx = ctx;
    this.sseAccepted = sseAccepted;
    this.ssePreferred = sseAccepted && ssePreferred;
    this.session = session;
    if (this.ssePreferred && session != null) {
      startStream(ctx.response());
    }
  }

  @Override
  public void notify(JsonObject notification) {
    if (!sseAccepted || !streamable()) {
      return;
    }
    HttpServerResponse connection = stream != null ? stream.sink() : ctx.response();
    if (connection != null && connection.writeQueueFull()) {
      if (dropped++ == 0) {
        LOG.debug("caller reads slower than its notifications arrive; dropping them until it catches up");
      }
      return;
    }
    write(notification);
  }

  /**
   * Writes an upstream's request for the client (sampling, elicitation, roots) on this request's SSE stream; not
   * dropped under back-pressure (the session bounds how many wait). False when the client cannot receive it here.
   */
  @Override
  public boolean send(JsonObject message) {
    if (!sseAccepted || !streamable() || (stream != null && !stream.carried())) {
      return false;
    }
    write(message);
    return true;
  }

  /** Notifications dropped because the caller's connection was not taking more. */
  long dropped() {
    return dropped;
  }

  /**
   * True when messages can go on this reply's stream, starting it if need be: a resumable stream keeps taking them
   * (for a resumption) after its connection is lost; without one, only a live connection can.
   */
  private boolean streamable() {
    if (stream != null) {
      return !stream.finished();
    }
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return false;
    }
    startStream(response);
    return true;
  }

  private void write(JsonObject message) {
    if (stream != null) {
      stream.send(message);
    } else {
      ctx.response().write(event(message));
    }
  }

  private void startStream(HttpServerResponse response) {
    if (!streaming) {
      streaming = true;
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
      if (session != null) {
        stream = session.openReply(response);
      }
    }
  }

  void reply(JsonObject message) {
    if (stream != null) {
      stream.finish(message); // kept for a resumption even when the connection is gone
      return;
    }
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (ssePreferred) {
      startStream(response);
    }
    if (stream != null) {
      stream.finish(message);
    } else if (streaming) {
      response.end(event(message));
    } else {
      McpReplies.json(ctx, 200, message);
    }
  }

  private static Buffer event(JsonObject message) {
    return Buffer.buffer("event: message\ndata: " + message.encode() + "\n\n");
  }
}
