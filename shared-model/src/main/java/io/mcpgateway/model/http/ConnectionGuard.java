package io.mcpgateway.model.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one listener's connections bounded against slow or idle peers (slowloris): at most
 * {@code maxConnections} at once (more are closed on arrival); a new connection must deliver its first request
 * head within {@code headerTimeout}; a connection with no request in progress is closed after
 * {@code idleTimeout}; a request body must arrive whole within {@code bodyTimeout} (else 408 and close). A
 * request in progress (a slow tool call, an open SSE stream) is never cut by these timers. One sweep per
 * {@code tick} over the connections (bounded by the cap) instead of a timer per connection. Confined to the
 * context that calls {@link #listen}.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** The limits of one listener. */
  public record Limits(Duration headerTimeout, Duration idleTimeout, Duration bodyTimeout, int maxConnections) {
    public static Limits of(io.mcpgateway.config.GatewayConfig.Connections c) {
      return new Limits(c.headerTimeout(), c.idleTimeout(), c.bodyTimeout(), c.maxConnections());
    }

    /** The limits of one of {@code instances} servers sharing a port (the connection cap split between them). */
    public Limits shared(int instances) {
      return new Limits(headerTimeout, idleTimeout, bodyTimeout, Math.max(1, maxConnections / Math.max(1, instances)));
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Limits limits;
  private final Map<HttpConnection, Conn> connections = new IdentityHashMap<>();
  private long refused;
  private long timedOut;
  private long sweeper = -1;

  private static final class Conn {
    final HttpConnection connection;
    long quietSince;
    boolean servedOne;
    final List<Active> active = new ArrayList<>(1);

    Conn(HttpConnection connection, long now) {
      this.connection = connection;
      this.quietSince = now;
    }
  }

  private record Active(HttpServerRequest request, long startedAt) {}

  public ConnectionGuard(Vertx vertx, String name, Limits limits) {
    this.vertx = vertx;
    this.name = name;
    this.limits = limits;
  }

  /** Creates the server with these limits in front of {@code handler} and listens. */
  public Future<HttpServer> listen(HttpServerOptions options, Handler<HttpServerRequest> handler) {
    // No h2c: its detection holds a new connection back until 24 bytes arrived, before any handler sees it.
    HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setHttp2ClearTextEnabled(false));
    server.connectionHandler(this::opened);
    server.requestHandler(request -> {
      Conn conn = connections.get(request.connection());
      if (conn != null) {
        conn.active.add(new Active(request, System.currentTimeMillis()));
        conn.servedOne = true;
      }
      handler.handle(request);
    });
    long tick = Math.max(50, Math.min(1000, Math.min(limits.headerTimeout().toMillis(),
        Math.min(limits.idleTimeout().toMillis(), limits.bodyTimeout().toMillis())) / 4));
    sweeper = vertx.setPeriodic(tick, t -> sweep());
    return server.listen().onFailure(e -> vertx.cancelTimer(sweeper));
  }

  /** Stops the sweep (the server's own shutdown closes the connections). */
  public void close() {
    vertx.cancelTimer(sweeper);
  }

  public int open() {
    return connections.size();
  }

  /** Connections refused at the cap. */
  public long refused() {
    return refused;
  }

  /** Connections closed by a header, idle or body timeout. */
  public long timedOut() {
    return timedOut;
  }

  private void opened(HttpConnection connection) {
    if (connections.size() >= limits.maxConnections()) {
      refused++;
      if (refused == 1 || refused % 1000 == 0) {
        LOG.warn("{} listener: {} connections open, the limit; refusing more ({} refused so far)", name,
            connections.size(), refused);
      }
      connection.close();
      return;
    }
    connections.put(connection, new Conn(connection, System.currentTimeMillis()));
    connection.closeHandler(v -> connections.remove(connection));
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    List<Conn> expired = new ArrayList<>();
    for (Conn conn : connections.values()) {
      if (conn.active.removeIf(a -> a.request().response().ended() || a.request().response().closed())
          && conn.active.isEmpty()) {
        conn.quietSince = now;
      }
      if (conn.active.isEmpty()) {
        long allowed = (conn.servedOne ? limits.idleTimeout() : limits.headerTimeout()).toMillis();
        if (now - conn.quietSince >= allowed) {
          expired.add(conn);
        }
        continue;
      }
      for (Active a : conn.active) {
        if (!a.request().isEnded() && now - a.startedAt() >= limits.bodyTimeout().toMillis()) {
          var response = a.request().response();
          if (!response.headWritten()) {
            response.setStatusCode(408).putHeader("Content-Type", "application/problem+json")
                .putHeader("Connection", "close")
                .end("{\"type\":\"about:blank\",\"title\":\"Request Timeout\",\"status\":408,\"detail\":"
                    + "\"the request body did not arrive within " + limits.bodyTimeout().toSeconds() + " s\"}");
          }
          expired.add(conn);
          break;
        }
      }
    }
    for (Conn conn : expired) {
      timedOut++;
      connections.remove(conn.connection);
      conn.connection.close();
    }
  }
}
