package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.gateway.dispatch.ClientChannel;
import io.mcpgateway.gateway.dispatch.Exchange;
import io.mcpgateway.gateway.dispatch.McpDispatcher;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MCP Streamable HTTP transport of a preset (2025-11-25 basic/transports): POST carries JSON-RPC messages
 * (a single one, or a 2025-03-26 batch) answered as JSON or SSE, GET opens the session's stream for server
 * messages, DELETE ends the session. It owns the HTTP side only (headers, Mcp-Session-Id, envelopes, status
 * codes); what a message means is the {@link McpDispatcher}'s. Runs after the request steps, so the preset
 * and the caller are known.
 */
public final class StreamableHttpEndpoint {
  private final McpDispatcher dispatcher;
  private final SessionRegistry sessions;
  private final int maxBatchSize;
  private final ModernHttpEndpoint modern;

  public StreamableHttpEndpoint(McpDispatcher dispatcher, SessionRegistry sessions) {
    this(dispatcher, sessions, 100, null);
  }

  /**
   * {@code maxBatchSize}: the most messages one 2025-03-26 batch may carry ({@code MGW_BATCH_MAX}); {@code modern}:
   * the 2026-07-28 transport that takes the requests it claims (null: 2025 era only).
   */
  public StreamableHttpEndpoint(McpDispatcher dispatcher, SessionRegistry sessions, int maxBatchSize,
      ModernHttpEndpoint modern) {
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.maxBatchSize = maxBatchSize;
    this.modern = modern;
  }

  // ---- POST ---------------------------------------------------------------------------------------------

  public void post(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    boolean sse = accepts(accept, "text/event-stream");
    if (accept != null && !sse && !accepts(accept, "application/json")) {
      McpReplies.failure(ctx, ErrorCode.NOT_ACCEPTABLE,
          "Not Acceptable: the client must accept application/json and text/event-stream");
      return;
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Object parsed;
    try {
      parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      McpReplies.failure(ctx, ErrorCode.PARSE_ERROR, "Parse error: the body is not valid JSON");
      return;
    }
    if (parsed instanceof JsonArray batch) {
      batch(ctx, batch);
    } else if (parsed instanceof JsonObject message) {
      single(ctx, message, sse);
    } else {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Invalid Request: expected a JSON-RPC message object");
    }
  }

  private void single(RoutingContext ctx, JsonObject message, boolean sse) {
    String problem = envelopeProblem(message);
    if (problem != null) {
      McpReplies.failure(ctx, idOf(message), new GatewayException(ErrorCode.INVALID_REQUEST, "Invalid Request: " + problem));
      return;
    }
    if (modern != null && ModernHttpEndpoint.claims(ctx, message)) {
      modern.post(ctx, message, sse);
      return;
    }
    if ("initialize".equals(message.getString("method")) && message.containsKey("id")) {
      initialize(ctx, message);
      return;
    }
    Optional<Session> session = session(ctx);
    if (session.isEmpty()) {
      return;
    }
    if (!JsonRpc.isRequest(message)) {
      // Notifications and responses: 202 Accepted with no body (transports §Sending Messages, 4).
      if (message.containsKey("method")) {
        dispatcher.notification(exchange(ctx, session.get(), ClientChannel.NONE), message);
      } else {
        dispatcher.response(exchange(ctx, session.get(), ClientChannel.NONE), message);
      }
      McpReplies.accepted(ctx);
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    boolean ssePreferred = accept != null && accept.contains("text/event-stream")
        && (!accept.contains("application/json") || accept.indexOf("text/event-stream") < accept.indexOf("application/json"));
    ReplyChannel reply = new ReplyChannel(ctx, sse, ssePreferred, session.get());
    answer(exchange(ctx, session.get(), reply), message).onComplete(ar -> reply.reply(ar.result()));
  }

  /** 2025-03-26 allows JSON-RPC batches; later versions removed them. */
  private void batch(RoutingContext ctx, JsonArray batch) {
    if (ModernHttpEndpoint.claimsHeaders(ctx)) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Invalid Request: the body must be a single JSON-RPC message");
      return;
    }
    Optional<Session> session = session(ctx);
    if (session.isEmpty()) {
      return;
    }
    if (!ProtocolVersions.allowsBatches(session.get().protocolVersion())) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST,
          "Invalid Request: JSON-RPC batches are not supported in protocol version " + session.get().protocolVersion());
      return;
    }
    if (batch.size() > maxBatchSize) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Invalid Request: a batch may carry at most " + maxBatchSize
          + " messages (got " + batch.size() + "); send several batches");
      return;
    }
    if (batch.isEmpty()) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Invalid Request: an empty batch");
      return;
    }
    Exchange exchange = exchange(ctx, session.get(), ClientChannel.NONE);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (Object item : batch) {
      if (!(item instanceof JsonObject message) || envelopeProblem(message) != null) {
        answers.add(Future.succeededFuture(McpReplies.errorFor(null,
            new GatewayException(ErrorCode.INVALID_REQUEST, "Invalid Request"))));
      } else if ("initialize".equals(message.getString("method"))) {
        answers.add(Future.succeededFuture(McpReplies.errorFor(idOf(message),
            new GatewayException(ErrorCode.INVALID_REQUEST, "initialize must not be part of a batch"))));
      } else if (JsonRpc.isRequest(message)) {
        answers.add(answer(exchange, message));
      } else if (message.containsKey("method")) {
        dispatcher.notification(exchange, message);
      } else {
        dispatcher.response(exchange, message);
      }
    }
    if (answers.isEmpty()) {
      McpReplies.accepted(ctx);
      return;
    }
    Future.join(answers).onComplete(ar -> {
      JsonArray out = new JsonArray();
      answers.forEach(f -> out.add(f.result()));
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(out.toBuffer());
    });
  }

  /** The dispatcher's answer as a JSON-RPC response; never fails. */
  private Future<JsonObject> answer(Exchange exchange, JsonObject request) {
    Object id = request.getValue("id");
    return dispatcher.request(exchange, request)
        .map(result -> JsonRpc.result(id, result))
        .otherwise(e -> McpReplies.errorFor(id, e));
  }

  private static Exchange exchange(RoutingContext ctx, Session session, ClientChannel channel) {
    return new Exchange(RequestContext.preset(ctx), RequestContext.caller(ctx), session, channel);
  }

  /** The session named by Mcp-Session-Id: 400 without one, 404 when unknown, ended or someone else's. */
  private Optional<Session> session(RoutingContext ctx) {
    String id = ctx.request().getHeader(McpReplies.SESSION_HEADER);
    if (id == null || id.isBlank()) {
      McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
      return Optional.empty();
    }
    Optional<Session> found = sessions.get(id);
    Preset preset = RequestContext.preset(ctx);
    Caller caller = RequestContext.caller(ctx);
    if (found.isEmpty() || !found.get().belongsTo(preset.id(), caller.rateKey())) {
      McpReplies.failure(ctx, ErrorCode.SESSION_NOT_FOUND, "Session not found; send a new initialize request");
      return Optional.empty();
    }
    found.get().touch();
    return found;
  }

  /** lifecycle §Initialization: the dispatcher negotiates; the transport creates the session and names it. */
  private void initialize(RoutingContext ctx, JsonObject message) {
    Object id = message.getValue("id");
    Preset preset = RequestContext.preset(ctx);
    Caller caller = RequestContext.caller(ctx);
    JsonObject params = message.getValue("params") instanceof JsonObject p ? p : null;
    dispatcher.initialize(preset, params).onComplete(ar -> {
      if (ar.failed()) {
        McpReplies.json(ctx, 200, McpReplies.errorFor(id, ar.cause()));
        return;
      }
      Session session;
      try {
        session = sessions.create(preset.id(), preset.slug(), ar.result().protocolVersion(), caller.rateKey(),
            ar.result().clientInfo(), ar.result().clientCapabilities());
      } catch (GatewayException limit) {
        McpReplies.failure(ctx, id, limit);
        return;
      }
      ctx.response().putHeader(McpReplies.SESSION_HEADER, session.id());
      McpReplies.json(ctx, 200, JsonRpc.result(id, ar.result().result()));
    });
  }

  // ---- GET and DELETE -------------------------------------------------------------------------------

  /**
   * Opens the session's stream for server-initiated messages (transports §Listening for Messages), or, with
   * {@code Last-Event-ID}, resumes one of the session's streams ({@link Resumption}).
   */
  public void get(RoutingContext ctx) {
    if (modernRefuses(ctx)) {
      return;
    }
    if (!accepts(ctx.request().getHeader("Accept"), "text/event-stream")) {
      McpReplies.failure(ctx, ErrorCode.NOT_ACCEPTABLE, "Not Acceptable: GET needs Accept: text/event-stream");
      return;
    }
    Optional<Session> session = session(ctx);
    if (session.isEmpty()) {
      return;
    }
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId != null) {
      Resumption.resume(ctx, session.get(), sessions.instanceTag(), lastEventId);
      return;
    }
    Resumption.sseHeaders(ctx, session.get());
    session.get().attachStream(ctx.response());
  }

  /** Ends a session (transports §Session Management, 5). */
  public void delete(RoutingContext ctx) {
    if (modernRefuses(ctx)) {
      return;
    }
    Optional<Session> session = session(ctx);
    if (session.isPresent()) {
      sessions.end(session.get().id());
      ctx.response().setStatusCode(204).end();
    }
  }

  /** 2026-07-28 transports §Earlier Streamable HTTP Revisions: no GET stream and no session to end. */
  private static boolean modernRefuses(RoutingContext ctx) {
    if (!ModernHttpEndpoint.claimsHeaders(ctx)) {
      return false;
    }
    ctx.response().putHeader("Allow", "POST");
    McpReplies.failure(ctx, ErrorCode.METHOD_NOT_ALLOWED, "Method Not Allowed: protocol version "
        + ctx.request().getHeader("MCP-Protocol-Version") + " uses POST only (subscriptions/listen replaces the GET stream)");
    return true;
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private static boolean accepts(String accept, String type) {
    return accept == null || accept.contains(type) || accept.contains("*/*");
  }

  private static Object idOf(JsonObject message) {
    Object id = message.getValue("id");
    return id instanceof String || id instanceof Number ? id : null;
  }

  /** Why a message is not a JSON-RPC 2.0 request, notification or response, or null. */
  private static String envelopeProblem(JsonObject m) {
    if (!JsonRpc.VERSION.equals(m.getValue("jsonrpc"))) {
      return "\"jsonrpc\" must be \"2.0\"";
    }
    if (m.containsKey("method")) {
      if (!(m.getValue("method") instanceof String)) {
        return "\"method\" must be a string";
      }
      if (m.containsKey("id") && !(m.getValue("id") instanceof String || m.getValue("id") instanceof Number)) {
        return "\"id\" must be a string or a number";
      }
      return null;
    }
    if (m.containsKey("id") && (m.containsKey("result") || m.containsKey("error"))) {
      return null;
    }
    return "not a request, notification or response";
  }
}
