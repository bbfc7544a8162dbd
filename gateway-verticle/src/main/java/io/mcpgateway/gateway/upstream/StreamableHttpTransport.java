package io.mcpgateway.gateway.upstream;

import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP Streamable HTTP, client side (2025-11-25 basic/transports §Streamable HTTP): each message is a POST;
 * a request is answered with JSON or with an SSE stream carrying its notifications and then its response.
 * Keeps the {@code Mcp-Session-Id}, sends {@code MCP-Protocol-Version} after the handshake, listens on the
 * optional GET stream for server notifications, and ends the session with DELETE on close. In the modern era
 * (2026-07-28) there is no session and no GET stream; every POST carries {@code Mcp-Method} / {@code Mcp-Name}.
 */
final class StreamableHttpTransport extends Transport {
  private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);

  private final Vertx vertx;
  private final String name;
  private final String url;
  private final Map<String, String> headers;
  private final UpstreamLimits limits;
  private final HttpClient client;
  private final Map<Object, HttpClientRequest> inFlight = new HashMap<>();
  private String sessionId;
  private String protocolVersion;
  private HttpClientResponse getStream;
  private String lastGetEventId;
  /** The GET stream was open once on this session; failed reopen attempts since (for the backoff). */
  private boolean getStreamOpened;
  private int getStreamFailures;
  private boolean closed;
  private boolean modern;

  StreamableHttpTransport(Vertx vertx, String name, String url, Map<String, String> headers, UpstreamLimits limits) {
    this.vertx = vertx;
    this.name = name;
    this.url = url;
    this.headers = headers;
    this.limits = limits;
    this.client = vertx.createHttpClient(limits.tls(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout(5000).setShared(false)
            .setIdleTimeout((int) limits.streamIdleTimeout().toSeconds())),
        new PoolOptions().setHttp1MaxSize(64));
  }

  @Override
  Future<Void> open() {
    return Future.succeededFuture();
  }

  @Override
  Future<Void> send(JsonObject message) {
    return send(message, null);
  }

  /**
   * {@code session} non-null: the message belongs to that upstream session of the server rather than this
   * connection's own (a task created through another gateway instance, MCP 2025-11-25 tasks: the server binds a
   * task to the session that created it). A 404 then means that session has ended: the request fails with
   * -32602 and this connection's own session is untouched.
   */
  @Override
  Future<Void> send(JsonObject message, String session) {
    Object id = message.containsKey("method") ? message.getValue("id") : null;
    // A request is bounded by its call's own timer (abandon() resets it); anything else by the control timeout.
    RequestOptions options = options(HttpMethod.POST, session);
    if (id == null) {
      options.setIdleTimeout(limits.controlTimeout().toMillis());
    }
    return guard.route(options).compose(client::request)
        .compose(req -> {
          if (id != null) {
            inFlight.put(id, req);
          }
          req.putHeader("Content-Type", "application/json")
              .putHeader("Accept", "application/json, text/event-stream");
          if (modern && message.getValue("method") instanceof String method) {
            // 2026-07-28 transports §Standard Request Headers: Mcp-Method on every POST, Mcp-Name where it applies.
            req.putHeader("Mcp-Method", method);
            String mcpName = RequestMeta.nameFor(method, message.getJsonObject("params"));
            if (mcpName != null) {
              req.putHeader("Mcp-Name", RequestMeta.encodeHeader(mcpName));
            }
          }
          return req.send(message.toBuffer());
        })
        .compose(resp -> handle(resp, id, session))
        .onFailure(e -> {
          if (id != null) {
            inFlight.remove(id);
          }
        });
  }

  private Future<Void> handle(HttpClientResponse resp, Object id, String borrowed) {
    String session = modern || borrowed != null ? null : resp.getHeader("Mcp-Session-Id");
    if (session != null && sessionId == null) {
      sessionId = session;
    }
    int status = resp.statusCode();
    String type = resp.getHeader("Content-Type") == null ? "" : resp.getHeader("Content-Type");
    if (status == 404 && borrowed != null) {
      resp.end();
      inFlight.remove(id);
      return Future.failedFuture(new UpstreamRpcError(new JsonObject().put("code", JsonRpc.INVALID_PARAMS)
          .put("message", "the upstream session this request belongs to has ended")));
    }
    if (status == 404 && sessionId != null) {
      // transports §Session Management: the server no longer knows the session; start a new one. The request
      // that met the 404 fails with SessionExpired first (it was not processed, so the pool retries it on a
      // fresh session); only then is the connection declared closed, failing the rest as unavailable.
      resp.end();
      inFlight.remove(id);
      vertx.getOrCreateContext().runOnContext(v -> closedHandler.handle(new SessionExpired(name)));
      return Future.failedFuture(new SessionExpired(name));
    }
    if (status >= 300) {
      return BoundedBody.head(resp, 4096).compose(body -> {
        inFlight.remove(id);
        if (modern && status >= 400 && status < 500 && rpcErrorFor(body, id)) {
          // A modern server answers protocol errors with 4xx and a JSON-RPC error body: that is the answer.
          return Future.succeededFuture();
        }
        if (status == 401 || status == 403) {
          // The gateway's configured credentials were refused: nothing the caller can fix, so not a client error.
          return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
              "upstream \"" + name + "\" rejected the gateway's credentials (HTTP " + status + "); check the server's headers"));
        }
        if (status < 400) {
          // A redirect is not followed (the credentials would go to wherever it points): say what it answered,
          // as an upstream failure, not as the caller's bad input.
          String location = resp.getHeader("Location");
          return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
              "upstream \"" + name + "\" answered HTTP " + status + " (a redirect" + (location == null ? "" : " to "
                  + (location.length() > 200 ? location.substring(0, 200) : location))
                  + "); redirects are not followed: register the server with the URL it redirects to"));
        }
        ErrorCode code = status >= 500 || status == 429 ? ErrorCode.UPSTREAM_UNAVAILABLE : ErrorCode.INVALID_INPUT;
        // The body stays in the operator's log: the caller may be anyone, and the body may be an internal page.
        LOG.info("upstream {} answered HTTP {}{}", name, status, excerpt(body));
        return Future.failedFuture(new GatewayException(code, "upstream \"" + name + "\" answered HTTP " + status));
      });
    }
    if (type.startsWith("text/event-stream")) {
      new RequestStream(id, borrowed).consume(resp);
      return Future.succeededFuture();
    }
    return BoundedBody.read(resp, name, limits.maxMessageBytes()).map(body -> {
      inFlight.remove(id);
      boolean answered = body.length() > 0 && type.startsWith("application/json") && deliver(body.toString(), id);
      if (id != null && !answered) {
        // A request answered without its response (an empty 200, a 202 meant for notifications) gets none later.
        inbound.streamEnded(id);
      }
      return null;
    });
  }

  /**
   * The SSE stream answering one POSTed request. If the connection ends before the response came and the
   * server gave event ids, the stream is resumed — transports §Sending Messages to the Server (polling) and
   * §Resumability: wait the server's {@code retry}, then GET with {@code Last-Event-ID}. Ending a connection
   * is not a cancellation; the call's own timeout bounds the whole exchange.
   */
  private final class RequestStream {
    private static final int MAX_RESUMES = 20;
    private final Object id;
    private final String borrowed;
    private final SseParser parser;
    private boolean answered;
    private int resumes;

    RequestStream(Object id, String borrowed) {
      this.id = id;
      this.borrowed = borrowed;
      this.parser = new SseParser(limits.maxMessageBytes(), event -> answered |= deliver(event.data(), id), limit -> {
        // The event is dropped as it streams in; the call fails now and the stream is let go.
        answered = true;
        HttpClientRequest req = inFlight.remove(id);
        if (id != null) {
          inbound.failed(id, BoundedBody.tooLarge(name, limit));
        }
        if (req != null) {
          req.reset();
        }
      });
    }

    void consume(HttpClientResponse resp) {
      resp.handler(parser::feed);
      resp.endHandler(v -> ended());
      resp.exceptionHandler(e -> ended());
    }

    private void ended() {
      if (id == null || answered) {
        inFlight.remove(id);
        return;
      }
      if (closed || !inFlight.containsKey(id) || parser.lastEventId() == null || resumes >= MAX_RESUMES) {
        inFlight.remove(id);
        inbound.streamEnded(id);
        return;
      }
      resumes++;
      vertx.setTimer(parser.reconnectDelayMillis(limits.sseRetryFloor().toMillis(), 1000), t -> resume());
    }

    private void resume() {
      if (closed || !inFlight.containsKey(id)) {
        return;
      }
      guard.route(options(HttpMethod.GET, borrowed)).compose(client::request)
          .compose(req -> {
            inFlight.put(id, req);
            return req.putHeader("Accept", "text/event-stream").putHeader("Last-Event-ID", parser.lastEventId()).send();
          })
          .onSuccess(resp -> {
            String type = resp.getHeader("Content-Type");
            if (resp.statusCode() == 200 && type != null && type.startsWith("text/event-stream")) {
              consume(resp);
            } else {
              resp.end();
              inFlight.remove(id);
              inbound.streamEnded(id);
            }
          })
          .onFailure(e -> ended());
    }
  }

  /** Hands a message (or batch) to the connection; true when it held the response to {@code related}. */
  private boolean deliver(String json, Object related) {
    if (json == null || json.isBlank()) {
      return false;
    }
    try {
      Object decoded = Json.decodeValue(json);
      boolean answers = false;
      if (decoded instanceof JsonObject m) {
        answers = answers(m, related);
        inbound.message(m, related);
      } else if (decoded instanceof JsonArray batch) {
        for (Object m : batch) {
          if (m instanceof JsonObject o) {
            answers |= answers(o, related);
            inbound.message(o, related);
          }
        }
      }
      return answers;
    } catch (RuntimeException e) {
      LOG.warn("upstream {} sent a message that is not JSON; ignored", name);
      return false;
    }
  }

  /** Delivers {@code body} when it is the JSON-RPC error answering request {@code id}. */
  private boolean rpcErrorFor(Buffer body, Object id) {
    try {
      if (id != null && Json.decodeValue(body) instanceof JsonObject m && m.getValue("error") instanceof JsonObject
          && String.valueOf(id).equals(String.valueOf(m.getValue("id")))) {
        inbound.message(m, id);
        return true;
      }
    } catch (RuntimeException e) {
      // not JSON: an HTTP failure like any other
    }
    return false;
  }

  private static boolean answers(JsonObject message, Object related) {
    return related != null && !message.containsKey("method") && String.valueOf(related).equals(String.valueOf(message.getValue("id")));
  }

  @Override
  boolean relatesMessages() {
    return true;
  }

  @Override
  boolean carriesModern() {
    return true;
  }

  @Override
  boolean cancelsByClosingStream() {
    return modern;
  }

  @Override
  void modern(String version) {
    modern = true;
    protocolVersion = version;
  }

  @Override
  void legacy() {
    modern = false;
    protocolVersion = null;
    sessionId = null;
  }

  @Override
  void initialized(String version) {
    this.protocolVersion = version;
    openGetStream();
  }

  @Override
  boolean canNotify() {
    return getStream != null;
  }

  /** The optional server-to-client stream (transports §Listening for Messages); 405 means the server has none. */
  private void openGetStream() {
    if (closed || sessionId == null) {
      return;
    }
    guard.route(options(HttpMethod.GET)).compose(client::request)
        .compose(req -> {
          req.putHeader("Accept", "text/event-stream");
          if (lastGetEventId != null) {
            req.putHeader("Last-Event-ID", lastGetEventId);
          }
          return req.send();
        })
        .onSuccess(resp -> {
          String type = resp.getHeader("Content-Type");
          if (resp.statusCode() == 404 && getStreamOpened && !closed) {
            // transports §Session Management: the server forgot the session (it restarted, say); while no request
            // is sent nothing else would notice, and the server's notifications would never arrive again.
            resp.end();
            LOG.info("upstream {} no longer knows its session (GET stream 404); starting a new one", name);
            closedHandler.handle(new SessionExpired(name));
            return;
          }
          if (resp.statusCode() != 200 || type == null || !type.startsWith("text/event-stream")) {
            resp.end();
            if (resp.statusCode() >= 500) {
              reopenGetStreamLater();
            }
            return;
          }
          getStream = resp;
          getStreamOpened = true;
          getStreamFailures = 0;
          var parser = new SseParser(limits.maxMessageBytes(), event -> deliver(event.data(), null),
              limit -> LOG.warn("upstream {} sent an event over {} bytes on its GET stream; dropped", name, limit));
          resp.handler(parser::feed);
          resp.endHandler(v -> getStreamEnded(resp, parser));
          resp.exceptionHandler(e -> getStreamEnded(resp, parser));
        })
        .onFailure(e -> {
          LOG.debug("upstream {} GET stream unavailable: {}", name, e.getMessage());
          reopenGetStreamLater();
        });
  }

  /** A stream that was open is tried again while the server is unreachable: 1 s, doubling up to 30 s. */
  private void reopenGetStreamLater() {
    if (closed || !getStreamOpened) {
      return;
    }
    long delay = Math.min(30_000, 1000L << Math.min(5, getStreamFailures++));
    vertx.setTimer(delay, t -> {
      if (getStream == null) {
        openGetStream();
      }
    });
  }

  /**
   * transports §Listening for Messages: reopen after the server's {@code retry} (never sooner than the floor: a
   * {@code retry: 1} must not make the gateway reconnect every millisecond), resuming where the stream stopped.
   */
  private void getStreamEnded(HttpClientResponse resp, SseParser parser) {
    if (getStream != resp) {
      return;
    }
    getStream = null;
    if (!closed) {
      lastGetEventId = parser.lastEventId();
      vertx.setTimer(parser.reconnectDelayMillis(limits.sseRetryFloor().toMillis(), 1000), t -> openGetStream());
    }
  }

  @Override
  void abandon(Object requestId) {
    HttpClientRequest req = inFlight.remove(requestId);
    if (req != null) {
      req.reset();
    }
  }

  @Override
  Future<Void> close() {
    closed = true;
    List<HttpClientRequest> open = new ArrayList<>(inFlight.values()); // a reset's handlers touch inFlight
    inFlight.clear();
    open.forEach(HttpClientRequest::reset);
    Future<Void> ended = sessionId == null ? Future.succeededFuture()
        : guard.route(options(HttpMethod.DELETE).setIdleTimeout(limits.controlTimeout().toMillis())
                .setConnectTimeout(limits.controlTimeout().toMillis())).compose(client::request)
            .compose(HttpClientRequest::send)
            .compose(HttpClientResponse::end)
            .recover(e -> Future.succeededFuture());
    return ended.eventually(client::close);
  }

  @Override
  String describe() {
    return "Streamable HTTP " + redacted(url);
  }

  @Override
  String sessionId() {
    return modern ? null : sessionId;
  }

  private RequestOptions options(HttpMethod method) {
    return options(method, null);
  }

  private RequestOptions options(HttpMethod method, String session) {
    var options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(0);
    headers.forEach(options::putHeader);
    if (session != null || sessionId != null) {
      options.putHeader("Mcp-Session-Id", session != null ? session : sessionId);
    }
    if (protocolVersion != null) {
      options.putHeader("MCP-Protocol-Version", protocolVersion);
    }
    return options;
  }

  private static String excerpt(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String s = body.toString().replaceAll("\\s+", " ");
    return ": " + (s.length() > 200 ? s.substring(0, 200) + "..." : s);
  }
}
