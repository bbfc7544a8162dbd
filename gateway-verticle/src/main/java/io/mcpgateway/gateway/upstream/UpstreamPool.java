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

  /**
   * Breaker and lifecycle tuning; {@link #defaults} are what production uses. {@code maxIsolatedPerServer}
   * bounds the upstream sessions owned by single downstream sessions (see {@link Upstreams}) per server.
   */
  public record Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
      Duration breakerReset, Duration idleStop, Duration maxBackoff, int maxIsolatedPerServer) {
    public static final int DEFAULT_MAX_ISOLATED_PER_SERVER = 64;

    public Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
        Duration breakerReset, Duration idleStop, Duration maxBackoff) {
      this(toolCallTimeout, catalogTimeout, breakerMaxFailures, breakerReset, idleStop, maxBackoff,
          DEFAULT_MAX_ISOLATED_PER_SERVER);
    }

    public static Settings defaults(Duration toolCallTimeout, Duration catalogTimeout) {
      return new Settings(toolCallTimeout, catalogTimeout, 5, Duration.ofSeconds(30), Duration.ofMinutes(5),
          Duration.ofSeconds(30));
    }
  }

  /**
   * One upstream session: the server's shared one ({@code owner == null}) or one owned by a downstream session.
   * Reconnect backoff is per slot, so a caller's isolated session dying does not hold back the shared one.
   */
  private static final class Slot {
    final DownstreamClient owner;
    Future<McpClientConnection> connection;
    long lastUsed = System.nanoTime();
    int inFlight;
    int deaths;
    long notBefore;
    long connectedAt;

    Slot(DownstreamClient owner) {
      this.owner = owner;
    }
  }

  private final class Entry {
    final UpstreamServer server;
    final CircuitBreaker breaker;
    final Slot shared = new Slot(null);
    /** Upstream sessions owned by downstream sessions, by downstream session id; bounded. */
    final Map<String, Slot> isolated = new HashMap<>();
    Future<List<JsonObject>> tools;
    long openedAt;
    long lastUsed = System.nanoTime();
    int inFlight;

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
            circuitChanged(server.id(), CircuitBreakerState.OPEN);
          })
          .halfOpenHandler(v -> {
            LOG.info("circuit HALF-OPEN for upstream {}: trying it again", server.slug());
            circuitChanged(server.id(), CircuitBreakerState.HALF_OPEN);
          })
          .closeHandler(v -> {
            LOG.info("circuit CLOSED for upstream {}", server.slug());
            circuitChanged(server.id(), CircuitBreakerState.CLOSED);
          });
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Map<UUID, Entry> entries = new HashMap<>();
  private final List<Consumer<UUID>> toolListeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.BiConsumer<UUID, CircuitBreakerState>> circuitListeners = new CopyOnWriteArrayList<>();
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
              .filter(e -> open(e.shared)).count())
          .description("Open shared upstream connections on this node").register(registry);
      Gauge.builder("mgw_upstream_isolated_sessions", entries, m -> m.values().stream()
              .mapToLong(e -> e.isolated.values().stream().filter(UpstreamPool::open).count()).sum())
          .description("Open upstream sessions owned by one downstream session (callers declaring client capabilities)")
          .register(registry);
    }
  }

  @Override
  public Future<List<JsonObject>> listTools(UpstreamServer server) {
    Entry e = entry(server);
    if (e.tools != null && !e.tools.failed()) {
      return e.tools;
    }
    Future<List<JsonObject>> loading = guarded(e, e.shared, () -> withConnection(e, e.shared,
        c -> c.listTools(settings.catalogTimeout())));
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
    return callTool(server, toolName, arguments, meta, null, CallRelay.notificationsOnly(onNotification));
  }

  @Override
  public UpstreamCall call(UpstreamServer server, String method, JsonObject params, DownstreamClient client,
      CallRelay relay) {
    Entry e = entry(server);
    Slot slot = slotFor(e, client);
    Duration timeout = server.toolCallTimeout().orElse(settings.toolCallTimeout());
    var call = new PooledCall();
    call.result = guarded(e, slot, () -> withConnection(e, slot, c -> {
      if (call.cancelledWith != null) {
        return Future.failedFuture(new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + call.cancelledWith));
      }
      McpClientConnection.Cancellable started = c.call(method, params, timeout, relay);
      call.cancel = started.cancel();
      return started.result();
    }));
    return call;
  }

  /**
   * The shared upstream session, unless the caller declared client capabilities the gateway relays: then its
   * own (an upstream session can declare only one set of capabilities, and roots are per client). Past
   * {@code maxIsolatedPerServer} the caller falls back to the shared session, which declares none.
   */
  private Slot slotFor(Entry e, DownstreamClient client) {
    if (client == null || DownstreamClient.relayedCapabilities(client.capabilities()).isEmpty()) {
      return e.shared;
    }
    Slot slot = e.isolated.get(client.sessionId());
    if (slot == null) {
      if (e.isolated.size() >= settings.maxIsolatedPerServer()) {
        LOG.warn("upstream {} has {} isolated sessions already (the maximum); session {} shares the connection that "
            + "declares no client capabilities", e.server.slug(), e.isolated.size(), shortId(client.sessionId()));
        return e.shared;
      }
      slot = new Slot(client);
      e.isolated.put(client.sessionId(), slot);
    }
    slot.lastUsed = System.nanoTime();
    return slot;
  }

  private static String shortId(String sessionId) {
    return sessionId.length() <= 8 ? sessionId : sessionId.substring(0, 8) + "...";
  }

  @Override
  public void release(String sessionId) {
    for (Entry e : entries.values()) {
      Slot slot = e.isolated.remove(sessionId);
      if (slot != null) {
        closeSlot(slot);
      }
    }
  }

  @Override
  public void rootsChanged(String sessionId) {
    for (Entry e : entries.values()) {
      Slot slot = e.isolated.get(sessionId);
      if (open(slot)) {
        slot.connection.result().rootsChanged();
      }
    }
  }

  private static boolean open(Slot slot) {
    return slot != null && slot.connection != null && slot.connection.succeeded() && slot.connection.result().isOpen();
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

  /** Told of every breaker state change; a server evicted from the pool is reported CLOSED (its breaker is gone). */
  public void onCircuitChanged(java.util.function.BiConsumer<UUID, CircuitBreakerState> listener) {
    circuitListeners.add(listener);
  }

  private void circuitChanged(UUID serverId, CircuitBreakerState state) {
    circuitListeners.forEach(l -> l.accept(serverId, state));
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
  private <T> Future<T> guarded(Entry e, Slot slot, java.util.function.Supplier<Future<T>> op) {
    e.inFlight++;
    slot.inFlight++;
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
      slot.inFlight--;
      e.lastUsed = System.nanoTime();
      slot.lastUsed = e.lastUsed;
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

  private <T> Future<T> withConnection(Entry e, Slot slot, java.util.function.Function<McpClientConnection, Future<T>> op) {
    Future<McpClientConnection> used = connection(e, slot);
    return used.compose(op).recover(err -> {
      if (err instanceof SessionExpired) {
        if (slot.connection == used) {
          slot.connection = null;
        }
        return connection(e, slot).compose(op);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<McpClientConnection> connection(Entry e, Slot slot) {
    if (slot.connection != null && (!slot.connection.isComplete() || open(slot))) {
      return slot.connection;
    }
    long wait = Duration.ofNanos(slot.notBefore - System.nanoTime()).toMillis();
    if (wait > MAX_BACKOFF_WAIT_MS) {
      // A caller does not sit out a long backoff (its own timeout only starts once the request is sent).
      return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + e.server.slug()
          + "\" is reconnecting after repeated failures; retry in " + Math.max(1, (wait + 999) / 1000) + " s"));
    }
    Promise<McpClientConnection> connecting = Promise.promise();
    slot.connection = connecting.future();
    if (wait > 0) {
      vertx.setTimer(wait, t -> connect(e, slot).onComplete(connecting));
    } else {
      connect(e, slot).onComplete(connecting);
    }
    return slot.connection;
  }

  private Future<McpClientConnection> connect(Entry e, Slot slot) {
    UpstreamServer s = e.server;
    Transport transport = switch (s.transport()) {
      case STREAMABLE_HTTP -> new StreamableHttpTransport(vertx, s.slug(), s.url(), s.secrets().headers());
      case SSE -> new LegacySseTransport(vertx, s.slug(), s.url(), s.secrets().headers());
      case STDIO -> new StdioTransport(vertx, s.slug(), s.command(), s.args(), s.secrets().env());
    };
    var connection = new McpClientConnection(vertx, s.slug(), transport, slot.owner);
    if (slot.owner == null) {
      // The shared session speaks for the server's catalog; isolated ones would only repeat it.
      connection.onToolsChanged(() -> {
        e.tools = null;
        toolListeners.forEach(l -> l.accept(s.id()));
      });
    }
    connection.onClosed(err -> died(e, slot, connection));
    // A child process may need far longer than an HTTP handshake to start (a JVM, npx fetching a package); a slow
    // catalog request gives up at its own timeout while the process keeps starting for the next caller.
    Duration handshake = s.transport() == io.mcpgateway.model.server.Transport.STDIO
        ? max(settings.catalogTimeout(), STDIO_START) : settings.catalogTimeout();
    return connection.start(handshake)
        .onSuccess(c -> {
          slot.connectedAt = System.nanoTime();
          if (slot.owner == null) {
            LOG.info("connected to upstream {} ({}, protocol {})", s.slug(), transport.describe(), c.protocolVersion());
          } else {
            LOG.info("connected to upstream {} ({}, protocol {}) for session {} alone (it declared {})", s.slug(),
                transport.describe(), c.protocolVersion(), shortId(slot.owner.sessionId()),
                DownstreamClient.relayedCapabilities(slot.owner.capabilities()).fieldNames());
          }
        })
        .onFailure(err -> backoff(slot));
  }

  private void died(Entry e, Slot slot, McpClientConnection connection) {
    if (slot.connection != null && slot.connection.succeeded() && slot.connection.result() == connection) {
      slot.connection = null;
      if (slot.owner == null) {
        e.tools = null;
      }
      if (Duration.ofNanos(System.nanoTime() - slot.connectedAt).toSeconds() > 60) {
        slot.deaths = 0;
      }
      backoff(slot);
      LOG.warn("upstream {} connection lost; it is reconnected on next use", e.server.slug());
    }
  }

  private void backoff(Slot slot) {
    slot.deaths++;
    long delay = Math.min(settings.maxBackoff().toMillis(), 250L << Math.min(10, slot.deaths - 1));
    slot.notBefore = System.nanoTime() + Duration.ofMillis(delay).toNanos();
  }

  /** Stops idle stdio processes, and closes isolated upstream sessions their downstream session stopped using. */
  private void stopIdle() {
    long now = System.nanoTime();
    for (Entry e : new ArrayList<>(entries.values())) {
      Slot shared = e.shared;
      boolean idle = Duration.ofNanos(now - shared.lastUsed).compareTo(settings.idleStop()) > 0 && shared.inFlight == 0
          && Duration.ofNanos(now - e.lastUsed).compareTo(settings.idleStop()) > 0;
      if (idle && shared.connection != null && shared.connection.succeeded()
          && e.server.transport() == io.mcpgateway.model.server.Transport.STDIO) {
        LOG.info("stopping idle stdio upstream {}", e.server.slug());
        McpClientConnection c = shared.connection.result();
        shared.connection = null;
        c.close();
      }
      for (var it = e.isolated.entrySet().iterator(); it.hasNext(); ) {
        Slot slot = it.next().getValue();
        if (slot.inFlight == 0 && Duration.ofNanos(now - slot.lastUsed).compareTo(settings.idleStop()) > 0) {
          it.remove();
          closeSlot(slot);
        }
      }
    }
  }

  private static Future<Void> closeSlot(Slot slot) {
    if (slot.connection == null) {
      return Future.succeededFuture();
    }
    Future<McpClientConnection> c = slot.connection;
    slot.connection = null;
    return c.compose(McpClientConnection::close, err -> Future.succeededFuture());
  }

  private Future<Void> closeEntry(Entry e) {
    if (e.breaker.state() != CircuitBreakerState.CLOSED) {
      circuitChanged(e.server.id(), CircuitBreakerState.CLOSED);
    }
    e.breaker.close();
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(closeSlot(e.shared));
    e.isolated.values().forEach(slot -> closing.add(closeSlot(slot)));
    e.isolated.clear();
    return Future.join(closing).mapEmpty();
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
