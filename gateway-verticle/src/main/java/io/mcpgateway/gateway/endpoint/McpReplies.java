package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.db.DatabaseOutage;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the answers of {@code /mcp/{slug}}, and is the one place a failure becomes an HTTP status and a
 * JSON-RPC error: a {@link GatewayException}'s {@link ErrorCode} gives both, an upstream's own JSON-RPC error
 * is relayed as it is, anything else is logged and answered as INTERNAL. Failures before or outside dispatch
 * carry the status of their kind; failures of a dispatched request travel in a 200 (or its SSE stream).
 */
final class McpReplies {
  static final String SESSION_HEADER = "Mcp-Session-Id";
  private static final Logger LOG = LoggerFactory.getLogger(McpReplies.class);

  private McpReplies() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  /** MCP 2026-07-28 {@code UnsupportedProtocolVersionError}: HTTP 400, -32022, data {supported, requested}. */
  static void unsupportedVersion(RoutingContext ctx, Object id, String requested) {
    json(ctx, 400, JsonRpc.error(id, RequestMeta.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version \""
        + requested + "\"; supported: " + String.join(", ", ProtocolVersions.ALL), new JsonObject()
        .put("supported", new JsonArray(ProtocolVersions.ALL)).put("requested", requested)));
  }

  /** The id of the JSON-RPC request in the body, when it is one (for errors answered before dispatch). */
  static Object idOfBody(RoutingContext ctx) {
    try {
      if (ctx.body() != null && ctx.body().length() > 0 && Json.decodeValue(ctx.body().buffer()) instanceof JsonObject m) {
        Object id = m.getValue("id");
        return id instanceof String || id instanceof Number ? id : null;
      }
    } catch (RuntimeException e) {
      // not JSON: no id to echo
    }
    return null;
  }

  static void accepted(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(202).end();
    }
  }

  /** The JSON-RPC error response for a failure while handling the request {@code id}. */
  static JsonObject errorFor(Object id, Throwable failure) {
    if (failure instanceof UpstreamRpcError upstream) {
      return new JsonObject().put("jsonrpc", JsonRpc.VERSION).put("id", id).put("error", upstream.error());
    }
    if (failure instanceof GatewayException g) {
      return JsonRpc.error(id, g.code().jsonRpcCode(), g.getMessage());
    }
    if (DatabaseOutage.is(failure)) {
      return errorFor(id, DatabaseOutage.unavailable(failure));
    }
    LOG.error("unexpected failure serving an MCP request", failure);
    return JsonRpc.error(id, ErrorCode.INTERNAL.jsonRpcCode(), "internal error; it has been logged");
  }

  /** The HTTP status for a failure that ends the HTTP exchange (not a dispatched request's in-band error). */
  static int httpStatus(Throwable failure) {
    if (!(failure instanceof GatewayException) && DatabaseOutage.is(failure)) {
      return ErrorCode.UNAVAILABLE.httpStatus();
    }
    return failure instanceof GatewayException g && !(failure instanceof UpstreamRpcError)
        ? g.code().httpStatus() : ErrorCode.INTERNAL.httpStatus();
  }

  /** Ends the exchange with the failure's HTTP status and JSON-RPC error body. */
  static void failure(RoutingContext ctx, Object id, Throwable failure) {
    if (Problems.clientGone(ctx, failure)) {
      return; // the client went away mid-request: nothing to answer, nothing to log at ERROR
    }
    json(ctx, httpStatus(failure), errorFor(id, failure));
  }

  static void failure(RoutingContext ctx, Throwable failure) {
    failure(ctx, null, failure);
  }

  static void failure(RoutingContext ctx, ErrorCode code, String message) {
    failure(ctx, null, new GatewayException(code, message));
  }
}
