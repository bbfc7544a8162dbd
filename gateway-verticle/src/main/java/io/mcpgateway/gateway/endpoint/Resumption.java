package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.session.EventStreams;
import io.mcpgateway.gateway.session.EventStreams.EventId;
import io.mcpgateway.gateway.session.EventStreams.Kind;
import io.mcpgateway.gateway.session.EventStreams.Refusal;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/**
 * A GET with {@code Last-Event-ID} (basic/transports §Resumability and Redelivery): the client lost the connection
 * of one of its session's SSE streams and resumes that stream — never another one. The event id names the gateway
 * instance that wrote the stream ({@link EventStreams}). Written here: the kept events after the id are replayed
 * and this connection carries the stream on. Written by another instance (of this node or another): that instance
 * is asked over the event bus ({@link Addresses#SESSION_REPLAY}) for the events after the id, and a POST reply's
 * stream is followed there by long polls until its response, so the client sees one continuous stream.
 * A GET stream that cannot be resumed is opened afresh (it carries no responses; some notifications are lost); a
 * POST reply's stream that cannot be resumed is HTTP 400 saying why, so the client does not wait for a response
 * that will not come.
 */
final class Resumption {
  /** A bus request of one poll may take this much longer than the poll's own wait. */
  private static final long BUS_MARGIN_MS = 10_000;

  private Resumption() {}

  static void sseHeaders(RoutingContext ctx, Session session) {
    ctx.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader(McpReplies.SESSION_HEADER, session.id());
  }

  static void resume(RoutingContext ctx, Session session, String instanceTag, String lastEventId) {
    Optional<EventId> parsed = EventId.parse(lastEventId);
    if (parsed.isEmpty()) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Bad Request: Last-Event-ID is not an event id of this"
          + " gateway's streams; open the GET stream without it");
      return;
    }
    EventId id = parsed.get();
    if (id.instance().equals(instanceTag)) {
      Optional<EventStreams.Stream> stream = session.streams().find(id);
      Refusal refusal = stream.isPresent() ? stream.get().refusal(id.seq()) : Refusal.UNKNOWN;
      if (refusal != null) {
        refuse(ctx, session, id, refusal);
        return;
      }
      sseHeaders(ctx, session);
      session.resume(stream.get(), ctx.response(), id.seq());
      return;
    }
    String resumer = UUID.randomUUID().toString();
    poll(ctx, session, id, resumer, true, id.seq(), 0).onComplete(ar -> {
      String status = ar.succeeded() ? ar.result().getString("status", "unknown") : "unreachable";
      if (!"ok".equals(status)) {
        refuse(ctx, session, id, "expired".equals(status) ? Refusal.EXPIRED : Refusal.UNKNOWN);
        return;
      }
      HttpServerResponse response = ctx.response();
      if (response.closed() || response.ended()) {
        return;
      }
      sseHeaders(ctx, session);
      write(response, ar.result());
      if (id.kind() == Kind.GET) {
        session.attachStream(response); // the session's GET stream goes on here, under this instance's ids
      } else if (ar.result().getBoolean("finished", false)) {
        response.end();
      } else {
        follow(ctx, session, id, resumer, ar.result().getLong("last", id.seq()));
      }
    });
  }

  /** Long polls the instance that writes the stream until its response (or until the client or that instance goes). */
  private static void follow(RoutingContext ctx, Session session, EventId id, String resumer, long after) {
    HttpServerResponse response = ctx.response();
    poll(ctx, session, id, resumer, false, after, SessionRegistry.MAX_POLL_WAIT_MS).onComplete(ar -> {
      if (response.closed() || response.ended()) {
        return; // the events stay kept there for the client's next resumption
      }
      if (ar.failed() || !"ok".equals(ar.result().getString("status"))) {
        response.end(); // that instance is gone, or a newer resumption took the stream
        return;
      }
      JsonObject answer = ar.result();
      if (answer.getJsonArray("events").isEmpty()) {
        response.write(": keep-alive\n\n");
      } else {
        write(response, answer);
      }
      if (answer.getBoolean("finished", false)) {
        response.end();
      } else {
        follow(ctx, session, id, resumer, answer.getLong("last", after));
      }
    });
  }

  private static Future<JsonObject> poll(RoutingContext ctx, Session session, EventId id, String resumer, boolean first,
      long after, long waitMs) {
    JsonObject ask = new JsonObject().put("v", 1).put("sessionId", session.id()).put("kind", id.kind().name())
        .put("stream", id.stream()).put("after", after).put("resumer", resumer).put("first", first).put("waitMs", waitMs);
    return ctx.vertx().eventBus().<JsonObject>request(Addresses.SESSION_REPLAY + id.instance(), ask,
        new DeliveryOptions().setSendTimeout(waitMs + BUS_MARGIN_MS)).map(Message::body);
  }

  private static void write(HttpServerResponse response, JsonObject answer) {
    answer.getJsonArray("events").forEach(e -> response.write((String) e));
  }

  private static void refuse(RoutingContext ctx, Session session, EventId id, Refusal refusal) {
    if (id.kind() == Kind.GET) {
      sseHeaders(ctx, session);
      session.attachStream(ctx.response());
      return;
    }
    McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Bad Request: the stream of that Last-Event-ID cannot be resumed: "
        + (refusal == Refusal.EXPIRED
            ? "the events after it are no longer kept (a stream keeps its last " + EventStreams.MAX_EVENTS_PER_STREAM
                + " events, a session " + EventStreams.MAX_BYTES_PER_SESSION / 1024 + " KiB)"
            : "it is not known (it finished more than " + EventStreams.KEEP_FINISHED_MS / 60_000
                + " minutes ago, or the gateway instance that wrote it is gone)")
        + "; send the request again");
  }
}
