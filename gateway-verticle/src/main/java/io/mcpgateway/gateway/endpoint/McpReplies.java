package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes MCP endpoint answers: JSON-RPC bodies, with the HTTP status the transport calls for. */
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

  static void error(RoutingContext ctx, int status, Object id, int code, String message) {
    json(ctx, status, JsonRpc.error(id, code, message));
  }

  static void accepted(RoutingContext ctx) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(202).end();
    }
  }

  /** The JSON-RPC error for a failure while handling a request. */
  static JsonObject errorFor(Object id, Throwable failure) {
    if (failure instanceof UpstreamRpcError upstream) {
      JsonObject error = upstream.error();
      return new JsonObject().put("jsonrpc", JsonRpc.VERSION).put("id", id).put("error", error);
    }
    if (failure instanceof GatewayException g) {
      return JsonRpc.error(id, g.code().jsonRpcCode(), g.getMessage());
    }
    LOG.error("unexpected failure serving an MCP request", failure);
    return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "internal error; it has been logged");
  }

  /** A failure before dispatch (preset, identity, access, limits): HTTP status of its kind, JSON-RPC body. */
  static void failure(RoutingContext ctx, Throwable failure) {
    int status = failure instanceof GatewayException g && !(failure instanceof UpstreamRpcError)
        ? g.code().httpStatus() : ErrorCode.INTERNAL.httpStatus();
    json(ctx, status, errorFor(null, failure));
  }
}
