package io.mcpgateway.testing.mcp;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving MCP server for tests, on a loopback port: it completes the Streamable HTTP handshake like a
 * real server (unless its mode says otherwise) and then misbehaves as its URL path says, so one instance serves
 * every case. URL {@code /mcp/{mode}} (Streamable HTTP) or {@code /sse/{mode}} (legacy HTTP+SSE):
 * <ul>
 *   <li>{@code never}: {@code tools/call} is never answered (the request is held open);</li>
 *   <li>{@code huge}: {@code tools/call} is answered with a JSON body of {@link #hugeBytes} (50 MB by default),
 *       chunked, no Content-Length; {@code huge-length}: the same with a Content-Length;</li>
 *   <li>{@code huge-sse}: {@code tools/call} is answered on an SSE stream whose one event is that large;</li>
 *   <li>{@code endless-sse}: {@code tools/call} is answered with an endless SSE stream of 1 MB
 *       {@code notifications/message} events and never a response;</li>
 *   <li>{@code retry1}: the GET stream says {@code retry: 1} and ends at once, every time;</li>
 *   <li>{@code slow-init}: {@code initialize} is never answered; {@code stall-initialized}: the
 *       {@code notifications/initialized} POST is never answered; {@code stall-delete}: the DELETE ending the
 *       session is never answered;</li>
 *   <li>{@code error-page}: {@code tools/call} is answered HTTP 500 with an internal-looking HTML page;</li>
 *   <li>{@code /sse/stalled}: the legacy stream opens and never names its endpoint;</li>
 *   <li>{@code hangs}: a well-behaved server with a GET stream until {@link #hang(boolean) hang(true)}; from then on
 *       it accepts every request (any method) and answers none of them until {@code hang(false)}, which answers
 *       them all late, as a server that was stuck would. {@link #toolNames} changes its tools and says so
 *       ({@code notifications/tools/list_changed}) on its open GET streams.</li>
 * </ul>
 * {@link #count(String)} tells how often each thing happened (JSON-RPC method, {@code GET}, {@code DELETE}).
 */
public final class HostileUpstream implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private volatile long hugeBytes = 50L * 1024 * 1024;
  private volatile long bytesSent;
  private volatile String lastHost;
  private volatile String lastServerName;
  /** With TLS: the self-signed certificate the server presents (for {@link #certificatePath()}). */
  private final io.vertx.core.net.SelfSignedCertificate certificate;
  private volatile boolean hanging;
  private volatile List<String> toolNames = List.of("echo");
  /** Requests to {@code hangs} held while it hangs, each with the context to answer it on. */
  private final List<Map.Entry<Context, Runnable>> held = new ArrayList<>();
  /** Open GET streams of {@code hangs}, each with its context. */
  private final List<Map.Entry<Context, HttpServerResponse>> streams = new ArrayList<>();

  private HostileUpstream(Vertx vertx, io.vertx.core.net.SelfSignedCertificate certificate) {
    this.certificate = certificate;
    var options = new io.vertx.core.http.HttpServerOptions();
    if (certificate != null) {
      options.setSsl(true).setSni(true).setKeyCertOptions(certificate.keyCertOptions());
    }
    this.server = vertx.createHttpServer(options).requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  public static HostileUpstream start(Vertx vertx) {
    return new HostileUpstream(vertx, null);
  }

  /** The same server over TLS, presenting a self-signed certificate for {@code hostName}; see {@link #tlsUrl}. */
  public static HostileUpstream startTls(Vertx vertx, String hostName) {
    return new HostileUpstream(vertx, io.vertx.core.net.SelfSignedCertificate.create(hostName));
  }

  /** The HTTPS URL for a mode, naming {@code host} (the server listens on 127.0.0.1 only). */
  public String tlsUrl(String host, String mode) {
    return "https://" + host + ":" + server.actualPort() + "/mcp/" + mode;
  }

  /** The PEM file of the TLS certificate (a client that trusts it verifies the server). */
  public String certificatePath() {
    return certificate.certificatePath();
  }

  /** The TLS server name (SNI) the last request's connection indicated, or null. */
  public String lastServerName() {
    return lastServerName;
  }

  /** The Streamable HTTP URL for a mode, e.g. {@code url("huge")}. */
  public String url(String mode) {
    return "http://127.0.0.1:" + server.actualPort() + "/mcp/" + mode;
  }

  /** The legacy HTTP+SSE URL for a mode. */
  public String sseUrl(String mode) {
    return "http://127.0.0.1:" + server.actualPort() + "/sse/" + mode;
  }

  public HostileUpstream hugeBytes(long bytes) {
    this.hugeBytes = bytes;
    return this;
  }

  /**
   * Mode {@code hangs}: {@code true} holds every request from now on (they are accepted, never answered);
   * {@code false} answers the held ones and serves normally again.
   */
  public HostileUpstream hang(boolean hang) {
    List<Map.Entry<Context, Runnable>> release;
    synchronized (held) {
      hanging = hang;
      release = hang ? List.of() : new ArrayList<>(held);
      if (!hang) {
        held.clear();
      }
    }
    release.forEach(e -> e.getKey().runOnContext(v -> e.getValue().run()));
    return this;
  }

  /**
   * The tools {@code tools/list} answers from now on (each with an object input schema; default {@code echo}); the
   * open GET streams of {@code hangs} are told {@code notifications/tools/list_changed}.
   */
  public HostileUpstream toolNames(String... names) {
    this.toolNames = List.of(names);
    List<Map.Entry<Context, HttpServerResponse>> open;
    synchronized (held) {
      open = new ArrayList<>(streams);
    }
    open.forEach(e -> e.getKey().runOnContext(v -> {
      if (!e.getValue().closed()) {
        e.getValue().write("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n");
      }
    }));
    return this;
  }

  /** The Host header of the last request (a gateway connecting to a vetted IP keeps the URL's host there). */
  public String lastHost() {
    return lastHost;
  }

  public long count(String what) {
    AtomicLong n = counts.get(what);
    return n == null ? 0 : n.get();
  }

  /** Bytes of oversized bodies and endless events actually written (the gateway should stop reading early). */
  public long bytesSent() {
    return bytesSent;
  }

  private void seen(String what) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private void handle(HttpServerRequest req) {
    lastHost = req.getHeader("Host");
    if (req.isSSL()) {
      lastServerName = req.connection().indicatedServerName();
    }
    String path = req.path();
    String mode = path.substring(path.lastIndexOf('/') + 1);
    if (path.startsWith("/sse/")) {
      seen("GET");
      // Legacy stream that never names its endpoint.
      req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(": hello\n\n");
      return;
    }
    if (req.method() == HttpMethod.GET) {
      seen("GET");
      if ("hangs".equals(mode)) {
        Runnable open = () -> {
          req.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(": open\n\n");
          synchronized (held) {
            streams.add(Map.entry(Vertx.currentContext(), req.response()));
          }
        };
        if (!hold(req, "GET", open)) {
          open.run();
        }
        return;
      }
      if ("retry1".equals(mode)) {
        req.response().putHeader("Content-Type", "text/event-stream").end("retry: 1\n: bye\n\n");
      } else {
        req.response().setStatusCode(405).end();
      }
      return;
    }
    if (req.method() == HttpMethod.DELETE) {
      seen("DELETE");
      if ("hangs".equals(mode) && hold(req, "DELETE", () -> req.response().setStatusCode(200).end())) {
        return;
      }
      if (!"stall-delete".equals(mode)) {
        req.response().setStatusCode(200).end();
      }
      return;
    }
    req.body().onSuccess(body -> {
      if (!"hangs".equals(mode) || !hold(req, body.toJsonObject().getString("method", "(response)"), () -> answer(mode, req, body))) {
        answer(mode, req, body);
      }
    });
  }

  /**
   * Holds {@code answer} while mode {@code hangs} hangs, counted as {@code "held " + what}; false when it does not
   * hang (answer now).
   */
  private boolean hold(HttpServerRequest req, String what, Runnable answer) {
    synchronized (held) {
      if (!hanging) {
        return false;
      }
      seen("held " + what);
      held.add(Map.entry(Vertx.currentContext(), () -> {
        if (!req.response().closed()) {
          answer.run(); // the gateway may have given up on it meanwhile
        }
      }));
      return true;
    }
  }

  private void answer(String mode, HttpServerRequest req, Buffer body) {
    JsonObject msg = body.toJsonObject();
    String method = msg.getString("method", "(response)");
    seen(method);
    Object id = msg.getValue("id");
    HttpServerResponse resp = req.response();
    switch (method) {
      case "initialize" -> {
        if (!"slow-init".equals(mode)) {
          json(resp, id, new JsonObject().put("protocolVersion", "2025-06-18")
              .put("capabilities", new JsonObject().put("tools", new JsonObject()))
              .put("serverInfo", new JsonObject().put("name", "hostile").put("version", "1")), "hostile-session");
        }
      }
      case "notifications/initialized" -> {
        if (!"stall-initialized".equals(mode)) {
          resp.setStatusCode(202).end();
        }
      }
      case "tools/list" -> {
        JsonArray tools = new JsonArray();
        toolNames.forEach(name -> tools.add(new JsonObject().put("name", name)
            .put("inputSchema", new JsonObject().put("type", "object"))));
        json(resp, id, new JsonObject().put("tools", tools), null);
      }
      case "tools/call" -> call(mode, id, resp);
      default -> {
        if (id == null) {
          resp.setStatusCode(202).end();
        } else {
          json(resp, id, new JsonObject(), null);
        }
      }
    }
  }

  private void call(String mode, Object id, HttpServerResponse resp) {
    switch (mode) {
      case "never" -> { }
      case "error-page" -> resp.setStatusCode(500).putHeader("Content-Type", "text/html")
          .end("<html>internal admin console: db password hunter2</html>");
      case "huge", "huge-length" -> {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":" + idJson(id) + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"";
        String tail = "\"}]}}";
        resp.putHeader("Content-Type", "application/json");
        if ("huge-length".equals(mode)) {
          resp.putHeader("Content-Length", String.valueOf(head.length() + hugeBytes + tail.length()));
        } else {
          resp.setChunked(true);
        }
        resp.write(head);
        pump(resp, hugeBytes, () -> resp.end(tail));
      }
      case "huge-sse" -> {
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
        resp.write("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idJson(id) + ",\"result\":{\"x\":\"");
        pump(resp, hugeBytes, () -> resp.end("\"}}\n\n"));
      }
      case "endless-sse" -> {
        resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
        endless(resp);
      }
      default -> json(resp, id, new JsonObject().put("content", new JsonArray()
          .add(new JsonObject().put("type", "text").put("text", "ok"))), null);
    }
  }

  private static String idJson(Object id) {
    return id instanceof String s ? "\"" + s + "\"" : String.valueOf(id);
  }

  private static final Buffer MEGABYTE_OF_A = Buffer.buffer("a".repeat(1024 * 1024));

  /** Writes {@code left} bytes of 'a' respecting the write queue, then runs {@code done}; stops when the peer left. */
  private void pump(HttpServerResponse resp, long left, Runnable done) {
    while (left > 0 && !resp.writeQueueFull()) {
      if (resp.closed()) {
        return;
      }
      int n = (int) Math.min(left, MEGABYTE_OF_A.length());
      resp.write(n == MEGABYTE_OF_A.length() ? MEGABYTE_OF_A : MEGABYTE_OF_A.getBuffer(0, n));
      bytesSent += n;
      left -= n;
    }
    if (resp.closed()) {
      return;
    }
    if (left == 0) {
      done.run();
      return;
    }
    long rest = left;
    resp.drainHandler(v -> pump(resp, rest, done));
  }

  private void endless(HttpServerResponse resp) {
    while (!resp.writeQueueFull()) {
      if (resp.closed()) {
        return;
      }
      resp.write("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
          + "{\"level\":\"info\",\"data\":\"" + "a".repeat(1024 * 1024) + "\"}}\n\n");
      bytesSent += 1024 * 1024;
    }
    resp.drainHandler(v -> endless(resp));
  }

  private static void json(HttpServerResponse resp, Object id, JsonObject result, String session) {
    if (session != null) {
      resp.putHeader("Mcp-Session-Id", session);
    }
    resp.putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).encode());
  }

  @Override
  public void close() {
    server.close().await();
  }
}
