package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.ExposedTool;
import io.mcpgateway.gateway.catalog.ToolCatalog;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.gateway.upstream.Upstreams;
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
 * The MCP Streamable HTTP endpoint of a preset (2025-11-25 basic/transports, basic/lifecycle, server/tools):
 * POST carries JSON-RPC messages, GET opens the session's stream for server messages, DELETE ends the session.
 * Runs after the request steps, so the preset and the caller are known.
 */
public final class McpEndpoint {
  private static final int INVALID_REQUEST = JsonRpc.INVALID_REQUEST;

  private final CatalogService catalogs;
  private final Upstreams upstreams;
  private final SessionRegistry sessions;
  private final ToolCallRecorder recorder;

  public McpEndpoint(io.vertx.core.Vertx vertx, CatalogService catalogs, Upstreams upstreams, SessionRegistry sessions) {
    this.catalogs = catalogs;
    this.upstreams = upstreams;
    this.sessions = sessions;
    this.recorder = new ToolCallRecorder(vertx);
  }

  // ---- POST ---------------------------------------------------------------------------------------------

  public void post(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    boolean sse = accepts(accept, "text/event-stream");
    if (accept != null && !sse && !accepts(accept, "application/json")) {
      McpReplies.error(ctx, 406, null, INVALID_REQUEST,
          "Not Acceptable: the client must accept application/json and text/event-stream");
      return;
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Object parsed;
    try {
      parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      McpReplies.error(ctx, 400, null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON");
      return;
    }
    if (parsed instanceof JsonArray batch) {
      batch(ctx, batch);
    } else if (parsed instanceof JsonObject message) {
      single(ctx, message, sse);
    } else {
      McpReplies.error(ctx, 400, null, INVALID_REQUEST, "Invalid Request: expected a JSON-RPC message object");
    }
  }

  private void single(RoutingContext ctx, JsonObject message, boolean sse) {
    String problem = envelopeProblem(message);
    if (problem != null) {
      McpReplies.error(ctx, 400, idOf(message), INVALID_REQUEST, "Invalid Request: " + problem);
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
    if (!message.containsKey("method") || !message.containsKey("id")) {
      // Notifications and responses: 202 Accepted with no body (transports §Sending Messages, 4).
      if (message.containsKey("method")) {
        notification(session.get(), message);
      }
      McpReplies.accepted(ctx);
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    boolean ssePreferred = accept != null && accept.contains("text/event-stream")
        && (!accept.contains("application/json") || accept.indexOf("text/event-stream") < accept.indexOf("application/json"));
    ReplyChannel reply = new ReplyChannel(ctx, sse, ssePreferred);
    request(ctx, session.get(), message, reply::notification).onComplete(ar -> reply.reply(ar.result()));
  }

  /** 2025-03-26 allows JSON-RPC batches; later versions removed them. */
  private void batch(RoutingContext ctx, JsonArray batch) {
    Optional<Session> session = session(ctx);
    if (session.isEmpty()) {
      return;
    }
    if (!ProtocolVersions.allowsBatches(session.get().protocolVersion())) {
      McpReplies.error(ctx, 400, null, INVALID_REQUEST,
          "Invalid Request: JSON-RPC batches are not supported in protocol version " + session.get().protocolVersion());
      return;
    }
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (Object item : batch) {
      if (!(item instanceof JsonObject message) || envelopeProblem(message) != null) {
        answers.add(Future.succeededFuture(JsonRpc.error(null, INVALID_REQUEST, "Invalid Request")));
      } else if ("initialize".equals(message.getString("method"))) {
        answers.add(Future.succeededFuture(JsonRpc.error(idOf(message), INVALID_REQUEST,
            "initialize must not be part of a batch")));
      } else if (message.containsKey("method") && message.containsKey("id")) {
        answers.add(request(ctx, session.get(), message, n -> { }));
      } else if (message.containsKey("method")) {
        notification(session.get(), message);
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

  /** The session named by Mcp-Session-Id: 400 without one, 404 when unknown, ended or someone else's. */
  private Optional<Session> session(RoutingContext ctx) {
    String id = ctx.request().getHeader(McpReplies.SESSION_HEADER);
    if (id == null || id.isBlank()) {
      McpReplies.error(ctx, 400, null, INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
      return Optional.empty();
    }
    Optional<Session> found = sessions.get(id);
    Preset preset = RequestContext.preset(ctx);
    Caller caller = RequestContext.caller(ctx);
    if (found.isEmpty() || !found.get().presetId().equals(preset.id())
        || !found.get().callerKey().equals(caller.rateKey())) {
      McpReplies.error(ctx, 404, null, -32001, "Session not found; send a new initialize request");
      return Optional.empty();
    }
    found.get().touch();
    return found;
  }

  private void initialize(RoutingContext ctx, JsonObject message) {
    JsonObject params = message.getValue("params") instanceof JsonObject p ? p : null;
    Object id = message.getValue("id");
    if (params == null || !(params.getValue("protocolVersion") instanceof String requested)) {
      McpReplies.json(ctx, 200, JsonRpc.error(id, JsonRpc.INVALID_PARAMS,
          "Invalid params: initialize needs params.protocolVersion"));
      return;
    }
    Preset preset = RequestContext.preset(ctx);
    Caller caller = RequestContext.caller(ctx);
    String version = ProtocolVersions.negotiate(requested);
    Session session = sessions.create(preset.id(), preset.slug(), version, caller.rateKey(),
        params.getJsonObject("clientInfo", new JsonObject()));
    JsonObject serverInfo = new JsonObject().put("name", "mcp-gateway/" + preset.slug()).put("version", "0.1.0");
    if (!"2025-03-26".equals(version) && !"2024-11-05".equals(version)) {
      serverInfo.put("title", preset.name());
    }
    JsonObject result = new JsonObject()
        .put("protocolVersion", version)
        .put("capabilities", new JsonObject().put("tools", new JsonObject().put("listChanged", true))
            .put("logging", new JsonObject()))
        .put("serverInfo", serverInfo);
    if (preset.description() != null && !preset.description().isBlank()) {
      result.put("instructions", preset.description());
    }
    ctx.response().putHeader(McpReplies.SESSION_HEADER, session.id());
    McpReplies.json(ctx, 200, JsonRpc.result(id, result));
  }

  private void notification(Session session, JsonObject message) {
    JsonObject params = message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    switch (message.getString("method")) {
      case "notifications/initialized" -> session.markInitialized();
      case "notifications/cancelled" -> session.cancel(params.getValue("requestId"), params.getString("reason"));
      default -> { }
    }
  }

  /** Answers one request; never fails (errors become JSON-RPC error responses). */
  private Future<JsonObject> request(RoutingContext ctx, Session session, JsonObject message,
      io.vertx.core.Handler<JsonObject> notifications) {
    Object id = message.getValue("id");
    String method = message.getString("method");
    Object rawParams = message.getValue("params");
    if (rawParams != null && !(rawParams instanceof JsonObject)) {
      return Future.succeededFuture(JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Invalid params: params must be an object"));
    }
    JsonObject params = rawParams == null ? new JsonObject() : (JsonObject) rawParams;
    Future<JsonObject> result = switch (method) {
      case "ping" -> Future.succeededFuture(new JsonObject());
      case "logging/setLevel" -> setLevel(session, params);
      case "tools/list" -> toolsList(ctx, params);
      case "tools/call" -> toolsCall(ctx, session, id, params, notifications);
      default -> Future.failedFuture(new MethodNotFound(method));
    };
    return result.map(r -> JsonRpc.result(id, r)).otherwise(e -> e instanceof MethodNotFound
        ? JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method)
        : McpReplies.errorFor(id, e));
  }

  /** server/utilities/logging: the session's minimum level for log messages relayed from upstreams. */
  private Future<JsonObject> setLevel(Session session, JsonObject params) {
    if (!(params.getValue("level") instanceof String level) || !Session.LOG_LEVELS.contains(level)) {
      return Future.failedFuture(invalidParams("level must be one of " + String.join(", ", Session.LOG_LEVELS)));
    }
    session.logLevel(level);
    return Future.succeededFuture(new JsonObject());
  }

  private Future<JsonObject> toolsList(RoutingContext ctx, JsonObject params) {
    Object cursor = params.getValue("cursor");
    if (cursor != null && !(cursor instanceof String)) {
      return Future.failedFuture(invalidParams("cursor must be a string"));
    }
    return catalogs.catalog(RequestContext.preset(ctx)).map(catalog -> {
      ToolCatalog.Page page = catalog.page((String) cursor);
      JsonArray tools = new JsonArray();
      page.tools().forEach(t -> tools.add(t.toMcp()));
      JsonObject out = new JsonObject().put("tools", tools);
      page.nextCursor().ifPresent(c -> out.put("nextCursor", c));
      return out;
    });
  }

  private Future<JsonObject> toolsCall(RoutingContext ctx, Session session, Object id, JsonObject params,
      io.vertx.core.Handler<JsonObject> notifications) {
    if (!(params.getValue("name") instanceof String name) || name.isEmpty()) {
      return Future.failedFuture(invalidParams("tools/call needs params.name"));
    }
    Object arguments = params.getValue("arguments");
    if (arguments != null && !(arguments instanceof JsonObject)) {
      return Future.failedFuture(invalidParams("params.arguments must be an object"));
    }
    Object meta = params.getValue("_meta");
    Preset preset = RequestContext.preset(ctx);
    Caller caller = RequestContext.caller(ctx);
    return catalogs.catalog(preset).compose(catalog -> {
      Optional<ExposedTool> tool = catalog.find(name);
      if (tool.isEmpty()) {
        return Future.failedFuture(invalidParams("Unknown tool: " + name + unlisted(catalog)));
      }
      return catalogs.server(tool.get().serverId()).compose(server -> {
        if (server.isEmpty() || !server.get().active()) {
          GatewayException gone = new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
              "the server of tool \"" + name + "\" is no longer available");
          recorder.record(preset, tool.get(), caller, 0, outcome(null, gone));
          return Future.failedFuture(gone);
        }
        long started = System.nanoTime();
        UpstreamCall call = upstreams.callTool(server.get(), tool.get().originalName(), (JsonObject) arguments,
            meta instanceof JsonObject m ? m : null, n -> {
              if (session.wantsLog(n)) {
                notifications.handle(n);
              }
            });
        session.track(id, call);
        return call.result().andThen(ar -> {
          session.untrack(id);
          recorder.record(preset, tool.get(), caller, System.nanoTime() - started, outcome(ar.succeeded() ? ar.result() : null,
              ar.cause()));
        });
      });
    });
  }

  /**
   * When some linked servers could not be listed, the unknown tool may well be one of theirs: say which
   * servers are missing and why, so the caller is not left guessing between a typo and an outage.
   */
  private static String unlisted(ToolCatalog catalog) {
    if (catalog.complete()) {
      return "";
    }
    List<String> down = catalog.unavailable().stream().map(u -> u.serverSlug() + " (" + u.error() + ")").toList();
    return "; the tools of these servers are unavailable right now: " + String.join(", ", down);
  }

  /** Null for success; otherwise a short error description for the metrics. */
  private static String outcome(JsonObject result, Throwable failure) {
    if (failure instanceof UpstreamRpcError e) {
      return "rpc " + e.error().getInteger("code", 0) + ": " + e.getMessage();
    }
    if (failure instanceof GatewayException g) {
      return g.code().name().toLowerCase() + ": " + g.getMessage();
    }
    if (failure != null) {
      return "internal: " + failure.getClass().getSimpleName();
    }
    return Boolean.TRUE.equals(result.getBoolean("isError")) ? "tool returned isError" : null;
  }

  // ---- GET and DELETE -------------------------------------------------------------------------------

  /** Opens the session's stream for server-initiated messages (transports §Listening for Messages). */
  public void get(RoutingContext ctx) {
    if (!accepts(ctx.request().getHeader("Accept"), "text/event-stream")) {
      McpReplies.error(ctx, 406, null, INVALID_REQUEST, "Not Acceptable: GET needs Accept: text/event-stream");
      return;
    }
    Optional<Session> session = session(ctx);
    if (session.isEmpty()) {
      return;
    }
    ctx.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader(McpReplies.SESSION_HEADER, session.get().id());
    ctx.response().write(": stream open\n\n");
    session.get().attachStream(ctx.response());
  }

  /** Ends a session (transports §Session Management, 5). */
  public void delete(RoutingContext ctx) {
    Optional<Session> session = session(ctx);
    if (session.isPresent()) {
      sessions.end(session.get().id());
      ctx.response().setStatusCode(204).end();
    }
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

  private static GatewayException invalidParams(String message) {
    return new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: " + message);
  }

  private static final class MethodNotFound extends RuntimeException {
    MethodNotFound(String method) {
      super(method, null, false, false);
    }
  }
}
