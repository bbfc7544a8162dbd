package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.server.UpstreamServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Upstreams} with one connection per upstream server on this node, shared by all callers, each behind
 * its own circuit breaker. A connection is made on first use (concurrent first uses share it), replaced when
 * it dies (with exponential backoff, so a crashing stdio server is not restarted in a loop) or when the
 * server's configuration changes, and a stdio process is stopped after an idle period.
 * All state is confined to the Vert.x context that created the pool.
 */
public final class UpstreamPool implements Upstreams {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
  /** Backoffs up to this long are waited out (a restarted stdio server is back quickly); longer ones fail fast. */
  private static final long MAX_BACKOFF_WAIT_MS = 1000;
  private static final Duration STDIO_START = Duration.ofSeconds(30);

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Breaker and lifecycle tuning; {@link #defaults} are what production uses. */
  public record Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
      Duration breakerReset, Duration idleStop, Duration maxBackoff) {
    public static Settings defaults(Duration toolCallTimeout, Duration catalogTimeout) {
      return new Settings(toolCallTimeout, catalogTimeout, 5, Duration.ofSeconds(30), Duration.ofMinutes(5),
          Duration.ofSeconds(30));
    }
  }

  private final class Entry {
    final UpstreamServer server;
    final CircuitBreaker breaker;
    Future<McpClientConnection> connection;
    Future<List<JsonObject>> tools;
    long openedAt;
    long lastUsed = System.nanoTime();
    int inFlight;
    int deaths;
    long notBefore;
    long connectedAt;

    Entry(UpstreamServer server) {
      this.server = server;
      this.breaker = CircuitBreaker.create("upstream-" + server.slug(), vertx, new CircuitBreakerOptions()
              .setMaxFailures(settings.breakerMaxFailures())
              .setTimeout(-1)
              .setResetTimeout(settings.breakerReset().toMillis()))
          .failurePolicy(UpstreamPool::countsAsFailure)
          .openHandler(v -> {
            openedAt = System.nanoTime();
            LOG.warn("circuit OPEN for upstream {}: failing fast for {} s", server.slug(), settings.breakerReset().toSeconds());
          })
          .halfOpenHandler(v -> LOG.info("circuit HALF-OPEN for upstream {}: trying it again", server.slug()))
          .closeHandler(v -> LOG.info("circuit CLOSED for upstream {}", server.slug()));
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Map<UUID, Entry> entries = new HashMap<>();
  private final List<Consumer<UUID>> toolListeners = new CopyOnWriteArrayList<>();
  private final long sweeper;
  private final MeterRegistry registry;

  public UpstreamPool(Vertx vertx, Settings settings) {
    this(vertx, settings, BackendRegistries.getDefaultNow());
  }

  /** {@code registry} receives the connection and per-server breaker gauges; null (metrics off) skips them. */
  public UpstreamPool(Vertx vertx, Settings settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.registry = registry;
    long every = Math.max(1000, Math.min(30_000, settings.idleStop().toMillis() / 2));
    this.sweeper = vertx.setPeriodic(every, t -> stopIdle());
    if (registry != null) {
      Gauge.builder("mgw_upstream_connections", entries, m -> m.values().stream()
              .filter(e -> e.connection != null && e.connection.succeeded()).count())
          .description("Open upstream connections on this node").register(registry);
    }
  }

  @Override
  public Future<List<JsonObject>> listTools(UpstreamServer server) {
    Entry e = entry(server);
    if (e.tools != null && !e.tools.failed()) {
      return e.tools;
    }
    Future<List<JsonObject>> loading = guarded(e, () -> withConnection(e, c -> c.listTools(settings.catalogTimeout())));
    e.tools = loading;
    loading.onFailure(err -> {
      if (e.tools == loading) {
        e.tools = null;
      }
    });
    return loading;
  }

  @Override
  public UpstreamCall callTool(UpstreamServer server, String toolName, JsonObject arguments, JsonObject meta,
      Handler<JsonObject> onNotification) {
    Entry e = entry(server);
    JsonObject params = new JsonObject().put("name", toolName).put("arguments", arguments == null ? new JsonObject() : arguments);
    if (meta != null && !meta.isEmpty()) {
      params.put("_meta", meta);
    }
    Duration timeout = server.toolCallTimeout().orElse(settings.toolCallTimeout());
    var call = new PooledCall();
    call.result = guarded(e, () -> withConnection(e, c -> {
      if (call.cancelledWith != null) {
        return Future.failedFuture(new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + call.cancelledWith));
      }
      McpClientConnection.Cancellable started = c.call("tools/call", params, timeout, onNotification);
      call.cancel = started.cancel();
      return started.result();
    }));
    return call;
  }

  private static final class PooledCall implements UpstreamCall {
    Future<JsonObject> result;
    Handler<String> cancel;
    String cancelledWith;

    @Override
    public Future<JsonObject> result() {
      return result;
    }

    @Override
    public void cancel(String reason) {
      cancelledWith = reason;
      if (cancel != null) {
        cancel.handle(reason);
      }
    }
  }

  @Override
  public void onToolListChanged(Consumer<UUID> listener) {
    toolListeners.add(listener);
  }

  @Override
  public Future<Void> evict(UUID serverId) {
    Entry e = entries.remove(serverId);
    return e == null ? Future.succeededFuture() : closeEntry(e);
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(sweeper);
    List<Future<Void>> closing = new ArrayList<>();
    for (Entry e : entries.values()) {
      closing.add(closeEntry(e));
    }
    entries.clear();
    return Future.join(closing).mapEmpty();
  }

  /** Slugs of the upstreams whose circuit is open now (readiness reports them). */
  public List<String> openCircuits() {
    return entries.values().stream().filter(e -> e.breaker.state() == CircuitBreakerState.OPEN)
        .map(e -> e.server.slug()).sorted().toList();
  }

  /** The breaker state of a server this node has used, for readiness and metrics. */
  public CircuitBreakerState breakerState(UUID serverId) {
    Entry e = entries.get(serverId);
    return e == null ? CircuitBreakerState.CLOSED : e.breaker.state();
  }

  private Entry entry(UpstreamServer server) {
    Entry e = entries.get(server.id());
    if (e != null && !sameConfiguration(e.server, server)) {
      entries.remove(server.id());
      closeEntry(e);
      e = null;
    }
    if (e == null) {
      e = new Entry(server);
      entries.put(server.id(), e);
      registerBreakerGauge(e);
    }
    e.lastUsed = System.nanoTime();
    return e;
  }

  private static boolean sameConfiguration(UpstreamServer a, UpstreamServer b) {
    return Objects.equals(a.updatedAt(), b.updatedAt()) && a.transport() == b.transport()
        && Objects.equals(a.url(), b.url()) && Objects.equals(a.command(), b.command())
        && a.args().equals(b.args()) && a.secrets().equals(b.secrets());
  }

  /** Runs an upstream operation through the server's breaker, translating an open circuit. */
  private <T> Future<T> guarded(Entry e, java.util.function.Supplier<Future<T>> op) {
    e.inFlight++;
    return e.breaker.<T>execute(op).recover(err -> {
      if (err instanceof OpenCircuitException) {
        long elapsed = Duration.ofNanos(System.nanoTime() - e.openedAt).toSeconds();
        long retry = Math.max(1, settings.breakerReset().toSeconds() - elapsed);
        return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "upstream \"" + e.server.slug() + "\" is unavailable after repeated failures (circuit open); retry in "
                + retry + " s"));
      }
      return Future.failedFuture(err);
    }).andThen(ar -> {
      e.inFlight--;
      e.lastUsed = System.nanoTime();
    });
  }

  /** Client faults and tool errors must not open the circuit; unreachable and slow upstreams must. */
  private static boolean countsAsFailure(Future<?> outcome) {
    if (outcome.succeeded()) {
      return false;
    }
    Throwable cause = outcome.cause();
    if (cause instanceof UpstreamRpcError) {
      return false;
    }
    if (cause instanceof GatewayException g) {
      return g.code() == ErrorCode.UPSTREAM_UNAVAILABLE || g.code() == ErrorCode.TIMEOUT;
    }
    return true;
  }

  private <T> Future<T> withConnection(Entry e, java.util.function.Function<McpClientConnection, Future<T>> op) {
    Future<McpClientConnection> used = connection(e);
    return used.compose(op).recover(err -> {
      if (err instanceof SessionExpired) {
        if (e.connection == used) {
          e.connection = null;
        }
        return connection(e).compose(op);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<McpClientConnection> connection(Entry e) {
    if (e.connection != null && (!e.connection.isComplete() || (e.connection.succeeded() && e.connection.result().isOpen()))) {
      return e.connection;
    }
    long wait = Duration.ofNanos(e.notBefore - System.nanoTime()).toMillis();
    if (wait > MAX_BACKOFF_WAIT_MS) {
      // A caller does not sit out a long backoff (its own timeout only starts once the request is sent).
      return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + e.server.slug()
          + "\" is reconnecting after repeated failures; retry in " + Math.max(1, (wait + 999) / 1000) + " s"));
    }
    Promise<McpClientConnection> connecting = Promise.promise();
    e.connection = connecting.future();
    if (wait > 0) {
      vertx.setTimer(wait, t -> connect(e).onComplete(connecting));
    } else {
      connect(e).onComplete(connecting);
    }
    return e.connection;
  }

  private Future<McpClientConnection> connect(Entry e) {
    UpstreamServer s = e.server;
    Transport transport = switch (s.transport()) {
      case STREAMABLE_HTTP -> new StreamableHttpTransport(vertx, s.slug(), s.url(), s.secrets().headers());
      case SSE -> new LegacySseTransport(vertx, s.slug(), s.url(), s.secrets().headers());
      case STDIO -> new StdioTransport(vertx, s.slug(), s.command(), s.args(), s.secrets().env());
    };
    var connection = new McpClientConnection(vertx, s.slug(), transport);
    connection.onToolsChanged(() -> {
      e.tools = null;
      toolListeners.forEach(l -> l.accept(s.id()));
    });
    connection.onClosed(err -> died(e, connection));
    // A child process may need far longer than an HTTP handshake to start (a JVM, npx fetching a package); a slow
    // catalog request gives up at its own timeout while the process keeps starting for the next caller.
    Duration handshake = s.transport() == io.mcpgateway.model.server.Transport.STDIO
        ? max(settings.catalogTimeout(), STDIO_START) : settings.catalogTimeout();
    return connection.start(handshake)
        .onSuccess(c -> {
          e.connectedAt = System.nanoTime();
          LOG.info("connected to upstream {} ({}, protocol {})", s.slug(), transport.describe(), c.protocolVersion());
        })
        .onFailure(err -> backoff(e));
  }

  private void died(Entry e, McpClientConnection connection) {
    if (e.connection != null && e.connection.succeeded() && e.connection.result() == connection) {
      e.connection = null;
      e.tools = null;
      if (Duration.ofNanos(System.nanoTime() - e.connectedAt).toSeconds() > 60) {
        e.deaths = 0;
      }
      backoff(e);
      LOG.warn("upstream {} connection lost; it is reconnected on next use", e.server.slug());
    }
  }

  private void backoff(Entry e) {
    e.deaths++;
    long delay = Math.min(settings.maxBackoff().toMillis(), 250L << Math.min(10, e.deaths - 1));
    e.notBefore = System.nanoTime() + Duration.ofMillis(delay).toNanos();
  }

  private void stopIdle() {
    long now = System.nanoTime();
    for (Entry e : new ArrayList<>(entries.values())) {
      boolean idle = Duration.ofNanos(now - e.lastUsed).compareTo(settings.idleStop()) > 0 && e.inFlight == 0;
      if (idle && e.connection != null && e.connection.succeeded()
          && e.server.transport() == io.mcpgateway.model.server.Transport.STDIO) {
        LOG.info("stopping idle stdio upstream {}", e.server.slug());
        McpClientConnection c = e.connection.result();
        e.connection = null;
        c.close();
      }
    }
  }

  private Future<Void> closeEntry(Entry e) {
    e.breaker.close();
    if (e.connection == null) {
      return Future.succeededFuture();
    }
    return e.connection.compose(McpClientConnection::close, err -> Future.succeededFuture());
  }

  private void registerBreakerGauge(Entry e) {
    if (registry != null) {
      UUID id = e.server.id();
      Gauge.builder("mgw_upstream_circuit_state", this, pool -> {
            Entry current = pool.entries.get(id);
            if (current == null) {
              return 0;
            }
            return switch (current.breaker.state()) {
              case CLOSED -> 0;
              case HALF_OPEN -> 1;
              case OPEN -> 2;
            };
          })
          .description("Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open")
          .tag("server", e.server.slug())
          .register(registry);
    }
  }
}
