package io.mcpgateway.model.http;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.db.SqlErrors;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 9457 problem responses ({@code application/problem+json}) for the HTTP APIs, and the last-resort
 * failure handler: whatever fails, the caller gets a problem document, never a stack trace or HTML.
 */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static void send(RoutingContext ctx, ErrorCode code, String detail) {
    send(ctx, new GatewayException(code, detail));
  }

  public static void send(RoutingContext ctx, GatewayException e) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    var body = new JsonObject()
        .put("type", e.code().problemType())
        .put("title", e.code().title())
        .put("status", e.code().httpStatus())
        .put("detail", e.getMessage());
    if (!e.fieldErrors().isEmpty()) {
      var errors = new JsonArray();
      for (FieldError f : e.fieldErrors()) {
        errors.add(f.toJson());
      }
      body.put("errors", errors);
    }
    response.setStatusCode(e.code().httpStatus()).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  /**
   * True when the client closed the connection before the answer (an aborted upload, a cancelled fetch):
   * there is no one to answer, and it is the client's doing, so it is logged at DEBUG, not ERROR.
   */
  public static boolean clientGone(RoutingContext ctx, Throwable failure) {
    boolean gone = ctx.response().closed()
        || failure instanceof io.vertx.core.http.HttpClosedException
        || failure instanceof io.vertx.core.VertxException v && "Connection was closed".equals(v.getMessage())
        || failure instanceof java.nio.channels.ClosedChannelException;
    if (gone) {
      LOG.debug("client closed the connection during {} {}", ctx.request().method(), ctx.request().path());
    }
    return gone;
  }

  /** The router's failure handler: maps typed failures, hides everything else behind a 500. */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (clientGone(ctx, failure)) {
      return;
    }
    if (failure != null) {
      failure = SqlErrors.translate(failure, Map.of());
    }
    if (failure instanceof GatewayException e) {
      send(ctx, e);
      return;
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400) {
      send(ctx, forStatus(status));
      return;
    }
    if (failure instanceof io.vertx.core.json.DecodeException) {
      send(ctx, ErrorCode.INVALID_INPUT, "the request body is not valid JSON");
      return;
    }
    LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    send(ctx, ErrorCode.INTERNAL, "an unexpected error occurred; it has been logged");
  }

  private static GatewayException forStatus(int status) {
    return switch (status) {
      case 400 -> new GatewayException(ErrorCode.INVALID_INPUT, "the request is malformed");
      case 401 -> new GatewayException(ErrorCode.UNAUTHORIZED, "authentication required");
      case 403 -> new GatewayException(ErrorCode.FORBIDDEN, "forbidden");
      case 404 -> new GatewayException(ErrorCode.NOT_FOUND, "no such resource");
      case 405 -> new GatewayException(ErrorCode.INVALID_INPUT, "method not allowed on this resource");
      case 413 -> new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body exceeds the size limit");
      case 415 -> new GatewayException(ErrorCode.INVALID_INPUT, "unsupported content type; send application/json");
      default -> new GatewayException(ErrorCode.INTERNAL, "request failed with status " + status);
    };
  }
}
