package io.mcpgateway.gateway.upstream;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as an MCP client of one upstream server (2025 era): the {@code initialize} handshake, then
 * requests correlated by id over whatever {@link Transport} reaches the server. Progress tokens are the
 * gateway's own (one connection serves many callers) and are mapped back to each caller's token.
 * Runs on one Vert.x context; not thread-safe by design.
 */
final class McpClientConnection {
  private static final Logger LOG = LoggerFactory.getLogger(McpClientConnection.class);

  private final class Pending {
    final long id;
    final String method;
    final Promise<JsonObject> promise = Promise.promise();
    final Handler<JsonObject> onNotification;
    final Object callerProgressToken;
    final String progressToken;
    long timer = -1;

    Pending(long id, String method, Handler<JsonObject> onNotification, Object callerProgressToken) {
      this.id = id;
      this.method = method;
      this.onNotification = onNotification;
      this.callerProgressToken = callerProgressToken;
      this.progressToken = callerProgressToken == null ? null : "mgw-" + id;
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Transport transport;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<String, Pending> byProgressToken = new HashMap<>();
  private long nextId = 1;
  private boolean closed;
  private Runnable onToolsChanged = () -> { };
  private Handler<Throwable> onClosed = e -> { };
  private JsonObject serverInfo = new JsonObject();
  private String protocolVersion;

  McpClientConnection(Vertx vertx, String name, Transport transport) {
    this.vertx = vertx;
    this.name = name;
    this.transport = transport;
    transport.bind(new Transport.Inbound() {
      @Override
      public void message(JsonObject message, Object related) {
        receive(message, related);
      }

      @Override
      public void streamEnded(Object related) {
        Pending p = related instanceof Number n ? pending.get(n.longValue()) : null;
        if (p != null) {
          fail(p, unavailable("closed the response stream without answering " + p.method));
        }
      }
    }, this::transportClosed);
  }

  void onToolsChanged(Runnable listener) {
    this.onToolsChanged = listener;
  }

  void onClosed(Handler<Throwable> listener) {
    this.onClosed = listener;
  }

  boolean isOpen() {
    return !closed;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  JsonObject serverInfo() {
    return serverInfo;
  }

  /** Opens the transport and performs the MCP initialize handshake (lifecycle §Initialization). */
  Future<McpClientConnection> start(Duration timeout) {
    JsonObject params = new JsonObject()
        .put("protocolVersion", ProtocolVersions.LATEST)
        .put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "mcp-gateway").put("version", "0.1.0"));
    return transport.open()
        .recover(e -> Future.failedFuture(asGatewayFailure(e)))
        .compose(v -> request("initialize", params, timeout, null))
        .compose(result -> {
          String version = result.getString("protocolVersion");
          if (!ProtocolVersions.SUPPORTED.contains(version)) {
            close();
            return Future.failedFuture(unavailable("answered with unsupported protocol version " + version));
          }
          protocolVersion = version;
          serverInfo = result.getJsonObject("serverInfo", new JsonObject());
          transport.initialized(version);
          return transport.send(JsonRpc.notification("notifications/initialized", null));
        })
        .map(v -> this)
        .onFailure(e -> close());
  }

  /** All pages of {@code tools/list}. */
  Future<List<JsonObject>> listTools(Duration timeout) {
    return listPage(null, new ArrayList<>(), timeout, 0);
  }

  private Future<List<JsonObject>> listPage(String cursor, List<JsonObject> acc, Duration timeout, int pages) {
    JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
    return request("tools/list", params, timeout, null).compose(result -> {
      JsonArray tools = result.getJsonArray("tools", new JsonArray());
      for (Object t : tools) {
        if (t instanceof JsonObject tool && tool.getString("name") != null) {
          acc.add(tool);
        }
      }
      String next = result.getString("nextCursor");
      if (next == null || next.isEmpty() || pages > 100) {
        return Future.succeededFuture(acc);
      }
      return listPage(next, acc, timeout, pages + 1);
    });
  }

  /** Sends a request; its own timeout sends {@code notifications/cancelled} for tools/call (cancellation §). */
  Future<JsonObject> request(String method, JsonObject params, Duration timeout, Handler<JsonObject> onNotification) {
    return begin(method, params, timeout, onNotification).promise.future();
  }

  /** Starts a request and returns a handle that can cancel it. */
  Cancellable call(String method, JsonObject params, Duration timeout, Handler<JsonObject> onNotification) {
    Pending p = begin(method, params, timeout, onNotification);
    return new Cancellable(p.promise.future(), reason -> abort(p, reason,
        new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + reason)));
  }

  record Cancellable(Future<JsonObject> result, Handler<String> cancel) {}

  private Pending begin(String method, JsonObject params, Duration timeout, Handler<JsonObject> onNotification) {
    JsonObject meta = params == null ? null : params.getJsonObject("_meta");
    Object callerToken = meta == null ? null : meta.getValue("progressToken");
    Pending p = new Pending(nextId++, method, onNotification, callerToken);
    if (closed) {
      p.promise.fail(unavailable("connection is closed"));
      return p;
    }
    JsonObject sent = params == null ? null : params.copy();
    if (p.progressToken != null) {
      sent.put("_meta", meta.copy().put("progressToken", p.progressToken));
      byProgressToken.put(p.progressToken, p);
    }
    pending.put(p.id, p);
    p.timer = vertx.setTimer(timeout.toMillis(), t -> {
      p.timer = -1;
      abort(p, "timed out after " + timeout.toMillis() + " ms", new GatewayException(ErrorCode.TIMEOUT,
          "upstream \"" + name + "\" did not answer " + method + " within " + timeout.toMillis() + " ms"));
    });
    transport.send(JsonRpc.request(p.id, method, sent)).onFailure(e -> fail(p, asGatewayFailure(e)));
    return p;
  }

  /** Fails the request with {@code failure} first, then tells the upstream and releases its stream. */
  private void abort(Pending p, String reason, GatewayException failure) {
    if (p.promise.future().isComplete()) {
      return;
    }
    fail(p, failure);
    if (closed) {
      return;
    }
    // MCP basic/utilities/cancellation: the initialize request must not be cancelled.
    if (!"initialize".equals(p.method)) {
      transport.send(JsonRpc.notification("notifications/cancelled",
          new JsonObject().put("requestId", p.id).put("reason", reason)));
    }
    transport.abandon(p.id);
  }

  private void receive(JsonObject message, Object related) {
    if (JsonRpc.isResponse(message)) {
      Object id = message.getValue("id");
      Pending p = id instanceof Number n ? pending.get(n.longValue()) : null;
      if (p == null) {
        LOG.debug("upstream {} answered unknown request {}", name, id);
        return;
      }
      JsonObject error = message.getJsonObject("error");
      if (error != null) {
        fail(p, new UpstreamRpcError(error));
      } else {
        finish(p);
        Object result = message.getValue("result");
        p.promise.tryComplete(result instanceof JsonObject r ? r : new JsonObject());
      }
    } else if (JsonRpc.isNotification(message)) {
      notification(message, related);
    } else if (JsonRpc.isRequest(message)) {
      answerServerRequest(message);
    }
  }

  private void notification(JsonObject message, Object related) {
    String method = message.getString("method");
    JsonObject params = message.getJsonObject("params", new JsonObject());
    switch (method) {
      case "notifications/progress" -> {
        Pending p = byProgressToken.get(String.valueOf(params.getValue("progressToken")));
        if (p != null && p.onNotification != null) {
          JsonObject forCaller = message.copy();
          forCaller.getJsonObject("params").put("progressToken", p.callerProgressToken);
          p.onNotification.handle(forCaller);
        }
      }
      case "notifications/message" -> {
        Pending p = related instanceof Number n ? pending.get(n.longValue()) : null;
        if (p != null && p.onNotification != null) {
          p.onNotification.handle(message.copy());
        }
      }
      case "notifications/tools/list_changed" -> onToolsChanged.run();
      default -> LOG.debug("upstream {} sent {}", name, method);
    }
  }

  /** The gateway declares no client capabilities: answer ping, refuse the rest so the upstream never waits. */
  private void answerServerRequest(JsonObject request) {
    Object id = request.getValue("id");
    JsonObject reply = "ping".equals(request.getString("method"))
        ? JsonRpc.result(id, new JsonObject())
        : JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "the gateway does not support " + request.getString("method"));
    transport.send(reply);
  }

  private void finish(Pending p) {
    pending.remove(p.id);
    if (p.progressToken != null) {
      byProgressToken.remove(p.progressToken);
    }
    if (p.timer >= 0) {
      vertx.cancelTimer(p.timer);
      p.timer = -1;
    }
  }

  private void fail(Pending p, Throwable e) {
    finish(p);
    p.promise.tryFail(e);
  }

  private void transportClosed(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    GatewayException e = unavailable("connection lost" + (cause == null ? "" : ": " + cause.getMessage()));
    for (Pending p : new ArrayList<>(pending.values())) {
      fail(p, e);
    }
    // Release what the dead transport still holds (HTTP client pool, stdio writer thread).
    transport.close().onFailure(err -> LOG.debug("upstream {} transport did not close cleanly: {}", name, err.getMessage()));
    onClosed.handle(e);
  }

  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    GatewayException e = unavailable("connection closed");
    for (Pending p : new ArrayList<>(pending.values())) {
      fail(p, e);
    }
    return transport.close().recover(err -> Future.succeededFuture());
  }

  private GatewayException unavailable(String what) {
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name + "\" " + what);
  }

  private Throwable asGatewayFailure(Throwable e) {
    return e instanceof GatewayException ? e : unavailable("is unreachable (" + transport.describe() + "): " + e.getMessage());
  }
}
