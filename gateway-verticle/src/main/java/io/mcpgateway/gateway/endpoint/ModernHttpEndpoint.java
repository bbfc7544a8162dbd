package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.gateway.dispatch.Exchange;
import io.mcpgateway.gateway.dispatch.Listening;
import io.mcpgateway.gateway.dispatch.McpDispatcher;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The modern era (MCP 2026-07-28 basic/transports/streamable-http) on the same {@code /mcp/{slug}} as the 2025
 * transport, chosen per request: no handshake and no session; the protocol version and client capabilities
 * come from each request's {@code _meta} and are checked against the {@code MCP-Protocol-Version},
 * {@code Mcp-Method} and {@code Mcp-Name} headers; results carry {@code resultType} and the gateway's
 * {@code serverInfo}; {@code subscriptions/listen} streams list changes. Nothing is kept on the node between
 * requests, so any node (and any verticle instance) can answer any modern request — except a call a 2025-era
 * upstream keeps open while it waits for the caller's input, which the instance that made it holds and any other
 * reaches over the event bus ({@code dispatch.HeldCalls}).
 */
public final class ModernHttpEndpoint {
  /** 2025-era methods this revision removed: 404 + -32601 (transports §Protocol Version Header). */
  private static final Set<String> REMOVED = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
      "resources/unsubscribe");

  /** server/utilities/caching §Cacheable Results. */
  private static final Set<String> CACHEABLE = Set.of("tools/list", "prompts/list", "resources/list",
      "resources/templates/list", "resources/read");

  private final McpDispatcher dispatcher;
  private final ListenStreams listeners;

  public ModernHttpEndpoint(McpDispatcher dispatcher, ListenStreams listeners) {
    this.dispatcher = dispatcher;
    this.listeners = listeners;
  }

  /**
   * basic/versioning §Backward Compatibility: a request carrying the modern per-request {@code _meta}, or a
   * modern {@code MCP-Protocol-Version}, is served statelessly by this revision; anything else is legacy.
   */
  static boolean claims(RoutingContext ctx, JsonObject message) {
    if (ProtocolVersions.isModern(ctx.request().getHeader("MCP-Protocol-Version"))) {
      return true;
    }
    JsonObject meta = RequestMeta.of(message.getValue("params") instanceof JsonObject p ? p : null);
    return meta != null && meta.containsKey(RequestMeta.PROTOCOL_VERSION);
  }

  static boolean claimsHeaders(RoutingContext ctx) {
    return ProtocolVersions.isModern(ctx.request().getHeader("MCP-Protocol-Version"));
  }

  void post(RoutingContext ctx, JsonObject message, boolean sseAccepted) {
    if (!JsonRpc.isRequest(message)) {
      // transports §Sending Messages 5: a notification is accepted (this revision defines none for HTTP).
      McpReplies.accepted(ctx);
      return;
    }
    Object id = message.getValue("id");
    String method = message.getString("method");
    Object rawParams = message.getValue("params");
    if (rawParams != null && !(rawParams instanceof JsonObject)) {
      reject(ctx, id, JsonRpc.INVALID_PARAMS, "Invalid params: params must be an object", null);
      return;
    }
    JsonObject params = (JsonObject) rawParams;
    if (!valid(ctx, id, method, params)) {
      return;
    }
    if (REMOVED.contains(method)) {
      reject(ctx, 404, id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method
          + " (removed in protocol version " + ProtocolVersions.LATEST_MODERN + ")", null);
      return;
    }
    if ("subscriptions/listen".equals(method)) {
      listen(ctx, id, params);
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    boolean ssePreferred = accept != null && accept.contains("text/event-stream")
        && (!accept.contains("application/json") || accept.indexOf("text/event-stream") < accept.indexOf("application/json"));
    ReplyChannel reply = new ReplyChannel(ctx, sseAccepted, ssePreferred);
    List<Consumer<String>> cancels = new ArrayList<>();
    // transports §Cancellation: the client closing the response stream cancels the request.
    ctx.response().closeHandler(v -> cancels.forEach(c -> c.accept("the client closed the response stream")));
    Preset preset = RequestContext.preset(ctx);
    // Notifications only: this revision sends no requests to the client on a response stream (MRTR instead).
    Exchange exchange = new Exchange(preset, RequestContext.caller(ctx), null, reply::notify, cancels::add);
    dispatcher.request(exchange, message).onComplete(ar -> {
      if (ar.succeeded()) {
        reply.reply(JsonRpc.result(id, complete(method, ar.result(), preset)));
      } else if (ar.cause() instanceof GatewayException g && !(g instanceof UpstreamRpcError)
          && g.code() == ErrorCode.NOT_IMPLEMENTED) {
        reject(ctx, 404, id, JsonRpc.METHOD_NOT_FOUND, g.getMessage(), null);
      } else {
        reply.reply(McpReplies.errorFor(id, ar.cause()));
      }
    });
  }

  /** basic §_meta and transports §Server Validation, in the order the specification lists them. */
  private boolean valid(RoutingContext ctx, Object id, String method, JsonObject params) {
    JsonObject meta = RequestMeta.of(params);
    Object version = meta == null ? null : meta.getValue(RequestMeta.PROTOCOL_VERSION);
    if (!(version instanceof String requested)) {
      return reject(ctx, id, JsonRpc.INVALID_PARAMS, "Invalid params: params._meta must carry \""
          + RequestMeta.PROTOCOL_VERSION + "\" (protocol version " + ProtocolVersions.LATEST_MODERN + ")", null);
    }
    String header = ctx.request().getHeader("MCP-Protocol-Version");
    if (header == null) {
      return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: the MCP-Protocol-Version header is required", null);
    }
    if (!header.equals(requested)) {
      return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: MCP-Protocol-Version header value '" + header
          + "' does not match body value '" + requested + "'", null);
    }
    if (!ProtocolVersions.isModern(requested)) {
      // A legacy version is spoken after initialize, not with per-request metadata.
      McpReplies.unsupportedVersion(ctx, id, requested);
      return false;
    }
    if (!(meta.getValue(RequestMeta.CLIENT_CAPABILITIES) instanceof JsonObject)) {
      return reject(ctx, id, JsonRpc.INVALID_PARAMS, "Invalid params: params._meta must carry \""
          + RequestMeta.CLIENT_CAPABILITIES + "\" (an object; {} declares none)", null);
    }
    String mcpMethod = ctx.request().getHeader("Mcp-Method");
    if (mcpMethod == null) {
      return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: the Mcp-Method header is required", null);
    }
    if (!mcpMethod.equals(method)) {
      return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: Mcp-Method header value '" + mcpMethod
          + "' does not match body value '" + method + "'", null);
    }
    String bodyName = RequestMeta.nameFor(method, params);
    String rawName = ctx.request().getHeader("Mcp-Name");
    if (RequestMeta.needsName(method) && bodyName != null) {
      String name = RequestMeta.decodeHeader(rawName);
      if (rawName == null) {
        return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: the Mcp-Name header is required for " + method, null);
      }
      if (name == null) {
        return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: the Mcp-Name header value is malformed", null);
      }
      if (!name.equals(bodyName)) {
        return reject(ctx, id, RequestMeta.HEADER_MISMATCH, "Header mismatch: Mcp-Name header value '" + name
            + "' does not match body value '" + bodyName + "'", null);
      }
    }
    return true;
  }

  /** basic §Responses: every result has a resultType; the gateway names itself in every result's _meta. */
  private static JsonObject complete(String method, JsonObject result, Preset preset) {
    JsonObject out = result.copy();
    if (!(out.getValue("resultType") instanceof String)) {
      out.put("resultType", "complete");
    }
    // server/utilities/caching: every cacheable complete result carries hints; the lists live as long as the catalog.
    if (CACHEABLE.contains(method) && "complete".equals(out.getString("resultType")) && !out.containsKey("ttlMs")) {
      // A resource's contents may differ per caller even on a public preset: never shared.
      out.put("ttlMs", CatalogService.CATALOG_TTL.toMillis()).put("cacheScope",
          "resources/read".equals(method) ? "private" : CatalogService.cacheScope(preset));
    }
    JsonObject meta = out.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
    if (!meta.containsKey(RequestMeta.SERVER_INFO)) {
      meta.put(RequestMeta.SERVER_INFO, McpDispatcher.serverInfo(preset, true));
    }
    return out.put("_meta", meta);
  }

  /**
   * basic/patterns/subscriptions: acknowledges first the subset the preset honours — the list changes of the
   * lists it advertises, and the named resources that route to a linked server supporting subscriptions, held
   * upstream from now on — then keeps the stream open for those notifications (see {@link ListenStreams}).
   */
  private void listen(RoutingContext ctx, Object id, JsonObject params) {
    if (!(params.getValue("notifications") instanceof JsonObject filter)) {
      reject(ctx, id, JsonRpc.INVALID_PARAMS, "Invalid params: subscriptions/listen needs params.notifications", null);
      return;
    }
    if (listeners.full()) {
      refuseFull(ctx, id);
      return;
    }
    Preset preset = RequestContext.preset(ctx);
    var response = ctx.response();
    dispatcher.listen(preset, filter).onComplete(ar -> {
      if (ar.failed()) {
        McpReplies.failure(ctx, id, ar.cause());
        return;
      }
      Listening listening = ar.result();
      if (response.closed() || response.ended() || listeners.full()) {
        dispatcher.stopListening(listening);
        if (!response.closed() && !response.ended()) {
          refuseFull(ctx, id);
        }
        return;
      }
      response.setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      JsonObject ack = new JsonObject().put("_meta", new JsonObject().put(RequestMeta.SUBSCRIPTION_ID, id))
          .put("notifications", listening.honoured());
      response.write(ListenStreams.event(JsonRpc.notification("notifications/subscriptions/acknowledged", ack)));
      listeners.add(new ListenStreams.Listener(preset.id(), id, listening, response));
    });
  }

  private static void refuseFull(RoutingContext ctx, Object id) {
    McpReplies.failure(ctx, id, new GatewayException(ErrorCode.UNAVAILABLE, "this gateway instance holds the maximum of "
        + ListenStreams.MAX_STREAMS + " listen streams; retry later or on another instance"));
  }

  private static boolean reject(RoutingContext ctx, Object id, int code, String message, JsonObject data) {
    return reject(ctx, 400, id, code, message, data);
  }

  private static boolean reject(RoutingContext ctx, int status, Object id, int code, String message, JsonObject data) {
    McpReplies.json(ctx, status, JsonRpc.error(id, code, message, data));
    return false;
  }
}
