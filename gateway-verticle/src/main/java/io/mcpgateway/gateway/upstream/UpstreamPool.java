package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.server.UpstreamServer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** The first half-open probe comes this soon after the circuit opens; each failed probe doubles the wait. */
  static final Duration FIRST_PROBE = Duration.ofSeconds(1);

  /**
   * Breaker and lifecycle tuning; {@link #defaults} are what production uses. {@code maxIsolatedPerServer}
   * bounds the upstream sessions owned by single downstream sessions (see {@link Upstreams}) per server.
   * {@code breakerReset} is the longest wait between half-open probes (they start at {@link #FIRST_PROBE} and
   * double while the upstream stays down). {@code limits}: what an upstream may make the gateway hold or wait for.
   */
  public record Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
      Duration breakerReset, Duration idleStop, Duration maxBackoff, int maxIsolatedPerServer, UpstreamLimits limits) {
    public static final int DEFAULT_MAX_ISOLATED_PER_SERVER = 64;

    public Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
        Duration breakerReset, Duration idleStop, Duration maxBackoff, int maxIsolatedPerServer) {
      this(toolCallTimeout, catalogTimeout, breakerMaxFailures, breakerReset, idleStop, maxBackoff,
          maxIsolatedPerServer, UpstreamLimits.defaults().withControlTimeout(catalogTimeout));
    }

    public Settings(Duration toolCallTimeout, Duration catalogTimeout, int breakerMaxFailures,
        Duration breakerReset, Duration idleStop, Duration maxBackoff) {
      this(toolCallTimeout, catalogTimeout, breakerMaxFailures, breakerReset, idleStop, maxBackoff,
          DEFAULT_MAX_ISOLATED_PER_SERVER);
    }

    public Settings withLimits(UpstreamLimits limits) {
      return new Settings(toolCallTimeout, catalogTimeout, breakerMaxFailures, breakerReset, idleStop, maxBackoff,
          maxIsolatedPerServer, limits);
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
    DownstreamClient owner;
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
    /** The server's protocol era once a connection learned it: later connections (shared or a session's own) skip the probe. */
    McpClientConnection.Era era;
    /** The latest record: its name or description may change under a live connection, which keeps serving. */
    UpstreamServer server;
    final CircuitBreaker breaker;
    /** The breaker state as a number (0 closed, 1 half-open, 2 open) for the gauge, read on the scrape thread. */
    final AtomicInteger gaugeState;
    /** Consecutive times the circuit opened without closing in between: the probe backoff grows with it. */
    int opens;
    long nextProbeAt;
    final Slot shared = new Slot(null);
    /** Upstream sessions owned by downstream sessions, by downstream session id; bounded. */
    final Map<String, Slot> isolated = new HashMap<>();
    Future<List<JsonObject>> tools;
    /** The other lists (prompts, resources, templates), each until the server says it changed. */
    final Map<Listing, Future<List<JsonObject>>> lists = new java.util.EnumMap<>(Listing.class);
    long openedAt;
    long lastUsed = System.nanoTime();
    int inFlight;

    Entry(UpstreamServer server) {
      this.server = server;
      this.gaugeState = gauges.circuit(server.slug());
      this.gaugeState.set(0);
      this.breaker = CircuitBreaker.create("upstream-" + server.slug(), vertx, new CircuitBreakerOptions()
              .setMaxFailures(settings.breakerMaxFailures())
              .setTimeout(-1)
              .setResetTimeout(Math.min(FIRST_PROBE.toMillis(), settings.breakerReset().toMillis())))
          .failurePolicy(UpstreamPool::countsAsFailure)
          .openHandler(v -> {
            openedAt = System.nanoTime();
            opens++;
            long wait = probeWait(opens);
            nextProbeAt = openedAt + Duration.ofMillis(wait).toNanos();
            gaugeState.set(2);
            LOG.warn("circuit OPEN for upstream {}: failing fast, next trial in {} ms", this.server.slug(), wait);
            circuitChanged(this.server.id(), CircuitBreakerState.OPEN);
          })
          .halfOpenHandler(v -> {
            gaugeState.set(1);
            LOG.info("circuit HALF-OPEN for upstream {}: trying it again", this.server.slug());
            circuitChanged(this.server.id(), CircuitBreakerState.HALF_OPEN);
          })
          .closeHandler(v -> {
            opens = 0;
            gaugeState.set(0);
            LOG.info("circuit CLOSED for upstream {}", this.server.slug());
            circuitChanged(this.server.id(), CircuitBreakerState.CLOSED);
          });
    }

    /** 1 s, 2 s, 4 s ... up to {@code breakerReset}: recovery follows the upstream, a dead one is not hammered. */
    private long probeWait(int opens) {
      long first = Math.min(FIRST_PROBE.toMillis(), settings.breakerReset().toMillis());
      return Math.min(settings.breakerReset().toMillis(), first << Math.min(20, opens - 1));
    }
  }

  /** One resource subscription held upstream and how many holders share it. */
  private static final class Held {
    int holders;
    Future<Void> subscribed;
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Map<UUID, Entry> entries = new HashMap<>();
  /** Resource subscriptions by server and original URI; they outlive connections (re-sent on reconnect). */
  private final Map<UUID, Map<String, Held>> subscriptions = new HashMap<>();
  private int subscriptionCount;
  /** An upstream unsubscribe in flight (see {@link #subscribe}). */
  private record Releasing(UUID serverId, String uri) {}
  /** The upstream unsubscribes in flight, each until answered (bounded by the catalog timeout). */
  private final Map<Releasing, Future<Void>> releasing = new HashMap<>();
  private final List<Consumer<UUID>> toolListeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.BiConsumer<UUID, CircuitBreakerState>> circuitListeners = new CopyOnWriteArrayList<>();
  private final List<java.util.function.BiConsumer<UUID, JsonObject>> notificationListeners = new CopyOnWriteArrayList<>();
  private final long sweeper;
  /** Gauge values, computed on the pool's context and read by the Prometheus scrape thread (never the maps). */
  private final PoolGauges.Share gauges;

  public UpstreamPool(Vertx vertx, Settings settings) {
    this(vertx, settings, BackendRegistries.getDefaultNow());
  }

  /** {@code registry} receives the connection and per-server breaker gauges; null (metrics off) skips them. */
  public UpstreamPool(Vertx vertx, Settings settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.gauges = PoolGauges.join(registry);
    long every = Math.max(1000, Math.min(30_000, settings.idleStop().toMillis() / 2));
    this.sweeper = vertx.setPeriodic(every, t -> stopIdle());
  }

  @Override
  public Future<List<JsonObject>> listTools(UpstreamServer server) {
    Entry e = entry(server);
    if (e.tools != null && !e.tools.failed()) {
      return e.tools;
    }
    Duration budget = settings.catalogTimeout().multipliedBy(2);
    long deadline = System.nanoTime() + budget.toNanos();
    Future<List<JsonObject>> loading = guarded(e, e.shared, () -> withConnection(e, e.shared, deadline, budget, "tools/list",
        (c, left) -> c.listTools(left)));
    e.tools = loading;
    loading.onFailure(err -> {
      if (e.tools == loading) {
        e.tools = null;
      }
    });
    return loading;
  }

  @Override
  public Future<ServerOffer> offer(UpstreamServer server) {
    Entry e = entry(server);
    Duration budget = settings.catalogTimeout().multipliedBy(2);
    long deadline = System.nanoTime() + budget.toNanos();
    return guarded(e, e.shared, () -> withConnection(e, e.shared, deadline, budget, "initialize",
        (c, left) -> Future.succeededFuture(c.offer())));
  }

  @Override
  public Future<List<JsonObject>> list(UpstreamServer server, Listing listing) {
    if (listing == Listing.TOOLS) {
      return listTools(server);
    }
    Entry e = entry(server);
    Future<List<JsonObject>> cached = e.lists.get(listing);
    if (cached != null && !cached.failed()) {
      return cached;
    }
    Duration budget = settings.catalogTimeout().multipliedBy(2);
    long deadline = System.nanoTime() + budget.toNanos();
    Future<List<JsonObject>> loading = guarded(e, e.shared, () -> withConnection(e, e.shared, deadline, budget,
        listing.method(), (c, left) -> c.list(listing, left)));
    e.lists.put(listing, loading);
    loading.onFailure(err -> e.lists.remove(listing, loading));
    return loading;
  }

  @Override
  public boolean refreshIfSilent(UpstreamServer server) {
    Entry e = entries.get(server.id());
    if (e == null || e.shared.connection == null || !e.shared.connection.succeeded()
        || e.shared.connection.result().canNotify()) {
      return false;
    }
    e.tools = null;
    e.lists.clear();
    return true;
  }

  @Override
  public void onNotification(java.util.function.BiConsumer<UUID, JsonObject> listener) {
    notificationListeners.add(listener);
  }

  @Override
  public Future<Void> subscribe(UpstreamServer server, String uri) {
    Map<String, Held> mine = subscriptions.computeIfAbsent(server.id(), k -> new HashMap<>());
    Held held = mine.get(uri);
    if (held == null) {
      int max = settings.limits().maxSubscriptions();
      if (subscriptionCount >= max) {
        if (mine.isEmpty()) {
          subscriptions.remove(server.id());
        }
        return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "this gateway instance holds the maximum of "
            + max + " upstream resource subscriptions (MGW_UPSTREAM_MAX_SUBSCRIPTIONS); retry later or on another instance"));
      }
      Held fresh = new Held();
      mine.put(uri, fresh);
      subscriptionCount++;
      gauges.subscriptions.set(subscriptionCount);
      Entry e = entry(server);
      Duration budget = settings.catalogTimeout().multipliedBy(2);
      java.util.function.Supplier<Future<Void>> send = () -> {
        long deadline = System.nanoTime() + budget.toNanos();
        return guarded(e, e.shared, () -> withConnection(e, e.shared, deadline, budget, "resources/subscribe",
            (c, left) -> c.subscribe(uri, left)));
      };
      // After the unsubscribe of the last hold, if it is still in flight: sent at once, the subscribe could reach
      // the upstream first and be undone by it (two requests, two HTTP exchanges), the gateway holding nothing.
      Future<Void> released = releasing.get(new Releasing(server.id(), uri));
      fresh.subscribed = released == null ? send.get() : released.transform(ar -> send.get());
      fresh.subscribed.onFailure(err -> forget(server.id(), uri, fresh));
      held = fresh;
    }
    held.holders++;
    return held.subscribed;
  }

  @Override
  public void unsubscribe(UUID serverId, String uri) {
    Map<String, Held> mine = subscriptions.get(serverId);
    Held held = mine == null ? null : mine.get(uri);
    if (held == null || --held.holders > 0) {
      return;
    }
    forget(serverId, uri, held);
    held.subscribed.onSuccess(v -> {
      Entry e = entries.get(serverId);
      // Held again meanwhile: the new holder's subscription stands (MCP subscriptions are not counted upstream).
      if (e != null && open(e.shared) && !holds(serverId, uri)) {
        Releasing key = new Releasing(serverId, uri);
        Future<Void> done = e.shared.connection.result().unsubscribe(uri, settings.catalogTimeout());
        releasing.put(key, done);
        done.onComplete(ar -> releasing.remove(key, done));
      }
    });
  }

  private boolean holds(UUID serverId, String uri) {
    Map<String, Held> mine = subscriptions.get(serverId);
    return mine != null && mine.containsKey(uri);
  }

  private void forget(UUID serverId, String uri, Held held) {
    Map<String, Held> mine = subscriptions.get(serverId);
    if (mine != null && mine.remove(uri, held)) {
      subscriptionCount--;
      gauges.subscriptions.set(subscriptionCount);
      if (mine.isEmpty()) {
        subscriptions.remove(serverId);
      }
    }
  }

  /** How many (server, URI) subscriptions this pool holds upstream. */
  public int subscriptionCount() {
    return subscriptionCount;
  }

  /** A new shared connection: the subscriptions held on the one before it are made again on it. */
  private void resubscribe(Entry e, McpClientConnection c) {
    Map<String, Held> mine = subscriptions.get(e.server.id());
    if (mine == null) {
      return;
    }
    mine.forEach((uri, held) -> {
      // One still being made is made on this connection by its own request.
      if (held.subscribed.succeeded()) {
        c.subscribe(uri, settings.catalogTimeout().multipliedBy(2)).onFailure(err -> LOG.warn(
            "upstream {}: the subscription to {} could not be renewed after reconnecting: {}", e.server.slug(), uri,
            err.getMessage()));
      }
    });
  }

  /**
   * The shared connection of a server with subscriptions died: reconnect without waiting for a caller (after the
   * backoff), or the subscribers would hear nothing until then.
   */
  private void keepSubscribed(Entry e) {
    if (!subscriptions.containsKey(e.server.id())) {
      return;
    }
    long wait = Math.max(250, Duration.ofNanos(e.shared.notBefore - System.nanoTime()).toMillis());
    vertx.setTimer(wait, t -> {
      if (entries.get(e.server.id()) != e || !subscriptions.containsKey(e.server.id()) || e.shared.connection != null) {
        return;
      }
      connection(e, e.shared).onFailure(err -> keepSubscribed(e));
    });
  }

  @Override
  public UpstreamCall callTool(UpstreamServer server, String toolName, JsonObject arguments, JsonObject meta,
      Handler<JsonObject> onNotification) {
    return callTool(server, toolName, arguments, meta, null, CallRelay.notificationsOnly(onNotification));
  }

  @Override
  public Duration callTimeout(UpstreamServer server) {
    return server.toolCallTimeout().orElse(settings.toolCallTimeout());
  }

  @Override
  public UpstreamCall call(UpstreamServer server, String method, JsonObject params, DownstreamClient client,
      CallRelay relay) {
    return call(server, method, params, client, relay, null);
  }

  @Override
  public UpstreamCall call(UpstreamServer server, String method, JsonObject params, DownstreamClient client,
      CallRelay relay, String upstreamSession) {
    Entry e = entry(server);
    Slot slot = slotFor(e, client);
    Duration timeout = callTimeout(server);
    // One deadline from now covers connecting, the handshake and the call: a slow connect eats into the call.
    long deadline = System.nanoTime() + timeout.toNanos();
    var call = new PooledCall();
    call.result = guarded(e, slot, () -> withConnection(e, slot, deadline, timeout, method, (c, left) -> {
      if (call.cancelledWith != null) {
        return Future.failedFuture(new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + call.cancelledWith));
      }
      McpClientConnection.Cancellable started = c.call(method, params, left, relay, upstreamSession);
      call.upstreamSession = upstreamSession != null ? upstreamSession : c.sessionId();
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
    if (client.exclusive()) {
      return exclusiveSlot(e, client);
    }
    Slot slot = e.isolated.get(client.sessionId());
    if (slot == null) {
      slot = newIsolated(e, client.sessionId(), client);
      if (slot == null) {
        return e.shared;
      }
    } else if (slot.owner != client) {
      slot.owner = client;
      if (open(slot)) {
        slot.connection.result().owner(client);
      }
    }
    slot.lastUsed = System.nanoTime();
    return slot;
  }

  /**
   * An upstream session for one call of an {@link DownstreamClient#exclusive} caller: the first of its sessions
   * ({@code sessionId #0}, {@code #1} ...) with no call in flight, else a new one (within the same bound). A modern
   * server needs none: it reads the caller's capabilities from each request's {@code _meta}.
   */
  private Slot exclusiveSlot(Entry e, DownstreamClient client) {
    if (e.era == McpClientConnection.Era.MODERN) {
      return e.shared;
    }
    for (int i = 0; ; i++) {
      String key = client.sessionId() + " #" + i;
      Slot slot = e.isolated.get(key);
      if (slot == null) {
        slot = newIsolated(e, key, client);
        if (slot == null) {
          return e.shared;
        }
      }
      if (slot.inFlight == 0) {
        slot.lastUsed = System.nanoTime();
        return slot;
      }
    }
  }

  /** A new isolated session slot under {@code key}, or null past {@code maxIsolatedPerServer} (warned). */
  private Slot newIsolated(Entry e, String key, DownstreamClient client) {
    if (e.isolated.size() >= settings.maxIsolatedPerServer()) {
      LOG.warn("upstream {} has {} isolated sessions already (the maximum); a call of {} shares the connection that "
          + "declares no client capabilities", e.server.slug(), e.isolated.size(), shortId(client.sessionId()));
      return null;
    }
    Slot slot = new Slot(client);
    e.isolated.put(key, slot);
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
    refreshGauges();
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
    String upstreamSession;

    @Override
    public String upstreamSession() {
      return upstreamSession;
    }

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
    return e == null ? Future.succeededFuture() : retire(e);
  }

  /**
   * The server's record changed: its cached tools are dropped; its connections are replaced only when what a
   * connection uses changed (transport, URL, command, arguments, headers, env), and the old ones drain first.
   */
  @Override
  public Future<Void> changed(UpstreamServer server) {
    Entry e = entries.get(server.id());
    if (e == null) {
      return Future.succeededFuture();
    }
    if (!sameConnection(e.server, server)) {
      entries.remove(server.id());
      Future<Void> retired = retire(e);
      if (subscriptions.containsKey(server.id())) {
        keepSubscribed(entry(server)); // the new connection takes the subscriptions over once it is up
      }
      return retired;
    }
    e.server = server;
    e.tools = null;
    e.lists.clear();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(sweeper);
    List<Future<Void>> closing = new ArrayList<>();
    for (Entry e : entries.values()) {
      closing.add(closeEntry(e));
    }
    entries.clear();
    refreshGauges();
    gauges.leave();
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
    if (e != null && !sameConnection(e.server, server)) {
      entries.remove(server.id());
      retire(e);
      e = null;
    }
    if (e != null) {
      e.server = server;
    }
    if (e == null) {
      e = new Entry(server);
      entries.put(server.id(), e);
    }
    e.lastUsed = System.nanoTime();
    return e;
  }

  /** Whether a connection made for {@code a} serves {@code b} as well: only what the connection uses counts. */
  static boolean sameConnection(UpstreamServer a, UpstreamServer b) {
    return a.transport() == b.transport()
        && Objects.equals(a.url(), b.url()) && Objects.equals(a.command(), b.command())
        && a.args().equals(b.args()) && a.secrets().equals(b.secrets()) && a.privateNetwork() == b.privateNetwork();
  }

  /** Runs an upstream operation through the server's breaker, translating an open circuit. */
  private <T> Future<T> guarded(Entry e, Slot slot, java.util.function.Supplier<Future<T>> op) {
    long now = System.nanoTime();
    if (e.breaker.state() != CircuitBreakerState.CLOSED && now - e.nextProbeAt < 0) {
      // The breaker's own timer goes half-open after FIRST_PROBE; after failed probes the wait is longer.
      return Future.failedFuture(circuitOpen(e, now));
    }
    e.inFlight++;
    slot.inFlight++;
    return e.breaker.<T>execute(op).recover(err -> {
      if (err instanceof OpenCircuitException) {
        return Future.failedFuture(circuitOpen(e, System.nanoTime()));
      }
      return Future.failedFuture(err);
    }).andThen(ar -> {
      e.inFlight--;
      slot.inFlight--;
      e.lastUsed = System.nanoTime();
      slot.lastUsed = e.lastUsed;
      if (ar.succeeded()) {
        slot.deaths = 0; // it works again: the next loss reconnects quickly
      }
    });
  }

  private GatewayException circuitOpen(Entry e, long now) {
    long retry = Math.max(1, (Duration.ofNanos(e.nextProbeAt - now).toMillis() + 999) / 1000);
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
        "upstream \"" + e.server.slug() + "\" is unavailable after repeated failures (circuit open); retry in " + retry + " s");
  }

  /** Failing fast while a dead connection's reconnect backoff runs. */
  private static final class ReconnectPending extends GatewayException {
    ReconnectPending(String message) {
      super(ErrorCode.UPSTREAM_UNAVAILABLE, message);
    }
  }

  /** Client faults and tool errors must not open the circuit; unreachable and slow upstreams must. */
  private static boolean countsAsFailure(Future<?> outcome) {
    if (outcome.succeeded()) {
      return false;
    }
    Throwable cause = outcome.cause();
    if (cause instanceof UpstreamRpcError || cause instanceof ReconnectPending) {
      // A reconnect backoff we impose ourselves says nothing new about the upstream.
      return false;
    }
    if (cause instanceof GatewayException g) {
      return g.code() == ErrorCode.UPSTREAM_UNAVAILABLE || g.code() == ErrorCode.TIMEOUT;
    }
    return true;
  }

  /**
   * Runs {@code op} on the slot's connection with what is left of {@code deadline}. Each caller waits for a
   * connection being made at most until its own deadline, so callers never share one attempt's wait forever.
   */
  private <T> Future<T> withConnection(Entry e, Slot slot, long deadline, Duration budget, String method,
      java.util.function.BiFunction<McpClientConnection, Duration, Future<T>> op) {
    Future<McpClientConnection> used = within(e, connection(e, slot), deadline, budget, method);
    return used.compose(c -> op.apply(c, left(deadline))).recover(err -> {
      if (err instanceof SessionExpired) {
        if (slot.connection == used) {
          slot.connection = null;
        }
        return within(e, connection(e, slot), deadline, budget, method).compose(c -> op.apply(c, left(deadline)));
      }
      if (err instanceof GatewayException g && g.code() == ErrorCode.TIMEOUT && !(err instanceof UpstreamRpcError)
          && g.getMessage() != null && g.getMessage().contains("did not answer " + method + " within")) {
        // The request got what the deadline left; the caller is told the whole budget it had.
        return Future.failedFuture(new GatewayException(ErrorCode.TIMEOUT, "upstream \"" + e.server.slug()
            + "\" did not answer " + method + " within " + budget.toMillis() + " ms"));
      }
      return Future.failedFuture(err);
    });
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(Duration.ofMillis(1).toNanos(), deadline - System.nanoTime()));
  }

  private Future<McpClientConnection> within(Entry e, Future<McpClientConnection> connecting, long deadline, Duration budget,
      String method) {
    if (connecting.isComplete()) {
      return connecting;
    }
    return connecting.timeout(left(deadline).toMillis(), TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        err instanceof TimeoutException ? new GatewayException(ErrorCode.TIMEOUT, "upstream \"" + e.server.slug()
            + "\" did not complete its connection within the " + budget.toMillis() + " ms of " + method
            + " (it keeps connecting for the next caller)") : err));
  }

  private Future<McpClientConnection> connection(Entry e, Slot slot) {
    if (slot.connection != null && (!slot.connection.isComplete() || open(slot))) {
      return slot.connection;
    }
    long wait = Duration.ofNanos(slot.notBefore - System.nanoTime()).toMillis();
    if (wait > MAX_BACKOFF_WAIT_MS) {
      // A caller does not sit out a long backoff (its own timeout only starts once the request is sent).
      return Future.failedFuture(new ReconnectPending("upstream \"" + e.server.slug()
          + "\" is reconnecting after repeated failures; retry in " + Math.max(1, (wait + 999) / 1000) + " s"));
    }
    Promise<McpClientConnection> connecting = Promise.promise();
    Future<McpClientConnection> attempt = connecting.future();
    slot.connection = attempt;
    // A failed attempt is dropped at once: the next caller starts a fresh one (after the backoff).
    attempt.onFailure(err -> {
      if (slot.connection == attempt) {
        slot.connection = null;
      }
    });
    // Counted once the slot's own future is complete (the connection's success handlers run before it is).
    attempt.onSuccess(c -> refreshGauges());
    if (wait > 0) {
      vertx.setTimer(wait, t -> connect(e, slot).onComplete(connecting));
    } else {
      connect(e, slot).onComplete(connecting);
    }
    return attempt;
  }

  private Future<McpClientConnection> connect(Entry e, Slot slot) {
    UpstreamServer s = e.server;
    UpstreamLimits limits = settings.limits();
    Transport transport = switch (s.transport()) {
      case STREAMABLE_HTTP -> new StreamableHttpTransport(vertx, s.slug(), s.url(), s.secrets().headers(), limits);
      case SSE -> new LegacySseTransport(vertx, s.slug(), s.url(), s.secrets().headers(), limits);
      case STDIO -> new StdioTransport(vertx, s.slug(), s.command(), s.args(), s.secrets().env(), limits);
    };
    transport.guardedBy(s.privateNetwork() || s.transport() == io.mcpgateway.model.server.Transport.STDIO
        ? ConnectGuard.trusted() : ConnectGuard.publicOnly(vertx, s.slug(), limits.network()));
    var connection = new McpClientConnection(vertx, s.slug(), transport, slot.owner);
    if (slot.owner == null) {
      // The shared session speaks for the server's catalog; isolated ones would only repeat it.
      connection.onToolsChanged(() -> {
        e.tools = null;
        toolListeners.forEach(l -> l.accept(s.id()));
      });
      connection.onServerNotification(n -> {
        switch (n.getString("method")) {
          case "notifications/resources/list_changed" -> {
            e.lists.remove(Listing.RESOURCES);
            e.lists.remove(Listing.RESOURCE_TEMPLATES);
          }
          case "notifications/prompts/list_changed" -> e.lists.remove(Listing.PROMPTS);
          default -> { }
        }
        notificationListeners.forEach(l -> l.accept(s.id(), n));
      });
    }
    connection.onClosed(err -> died(e, slot, connection));
    // A child process may need far longer than an HTTP handshake to start (a JVM, npx fetching a package); a slow
    // catalog request gives up at its own timeout while the process keeps starting for the next caller.
    Duration handshake = s.transport() == io.mcpgateway.model.server.Transport.STDIO
        ? max(settings.catalogTimeout(), STDIO_START) : settings.catalogTimeout();
    // The whole attempt (open, endpoint wait, initialize, notifications/initialized) has one bound; a transport
    // step that stalls fails the attempt and releases it instead of holding the server for good.
    McpClientConnection.Era known = e.era;
    // An era still unknown costs a server/discover probe first, which a legacy server may leave unanswered until
    // the handshake timeout before the initialize fallback gets its own.
    Duration attempt = (known == null && transport.carriesModern() ? handshake.multipliedBy(2) : handshake)
        .plus(limits.controlTimeout());
    return connection.start(handshake, known)
        .timeout(attempt.toMillis(), TimeUnit.MILLISECONDS)
        .recover(err -> {
          connection.close();
          return Future.failedFuture(err instanceof TimeoutException
              ? new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + s.slug()
                  + "\" did not complete its connection within " + attempt.toMillis() + " ms (" + transport.describe() + ")")
              : err);
        })
        .onSuccess(c -> {
          slot.connectedAt = System.nanoTime();
          c.owner(slot.owner); // the session's view may have been rebuilt while connecting
          refreshGauges();
          e.era = c.era();
          if (slot.owner == null) {
            resubscribe(e, c);
          }
          if (slot.owner == null) {
            LOG.info("connected to upstream {} ({}, protocol {})", s.slug(), transport.describe(), c.protocolVersion());
          } else {
            LOG.info("connected to upstream {} ({}, protocol {}) for session {} alone (it declared {})", s.slug(),
                transport.describe(), c.protocolVersion(), shortId(slot.owner.sessionId()),
                DownstreamClient.relayedCapabilities(slot.owner.capabilities()).fieldNames());
          }
        })
        .onFailure(err -> {
          // The server may have been replaced by one of the other era: probe again next time.
          e.era = null;
          backoff(slot);
        });
  }

  private void died(Entry e, Slot slot, McpClientConnection connection) {
    if (slot.connection != null && slot.connection.succeeded() && slot.connection.result() == connection) {
      slot.connection = null;
      if (slot.owner == null) {
        e.tools = null;
        e.lists.clear();
      }
      if (Duration.ofNanos(System.nanoTime() - slot.connectedAt).toSeconds() > 60) {
        slot.deaths = 0;
      }
      backoff(slot);
      refreshGauges();
      LOG.warn("upstream {} connection lost; it is reconnected on next use", e.server.slug());
      if (slot.owner == null) {
        keepSubscribed(e);
      }
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
          && e.server.transport() == io.mcpgateway.model.server.Transport.STDIO
          && !subscriptions.containsKey(e.server.id())) { // stopping it would drop the subscriptions held on it
        LOG.info("stopping idle stdio upstream {}", e.server.slug());
        McpClientConnection c = shared.connection.result();
        shared.connection = null;
        c.close();
        refreshGauges();
      }
      for (var it = e.isolated.entrySet().iterator(); it.hasNext(); ) {
        Slot slot = it.next().getValue();
        if (slot.inFlight == 0 && Duration.ofNanos(now - slot.lastUsed).compareTo(settings.idleStop()) > 0) {
          it.remove();
          closeSlot(slot);
          refreshGauges();
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

  /**
   * Takes an entry out of service without cutting its calls: new callers get a new entry, the old connections
   * close once their requests are answered (at most the server's tool-call timeout).
   */
  private Future<Void> retire(Entry e) {
    if (e.breaker.state() != CircuitBreakerState.CLOSED) {
      circuitChanged(e.server.id(), CircuitBreakerState.CLOSED); // listeners hear a forgotten entry as closed
    }
    e.gaugeState.set(0);
    Duration grace = e.server.toolCallTimeout().orElse(settings.toolCallTimeout());
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(drainSlot(e.shared, grace));
    e.isolated.values().forEach(slot -> closing.add(drainSlot(slot, grace)));
    e.isolated.clear();
    refreshGauges();
    return Future.join(closing).transform(ar -> {
      e.breaker.close();
      return Future.<Void>succeededFuture();
    });
  }

  private Future<Void> drainSlot(Slot slot, Duration grace) {
    Future<McpClientConnection> c = slot.connection;
    slot.connection = null;
    if (c == null) {
      return Future.succeededFuture();
    }
    return c.compose(conn -> conn.closeWhenIdle(grace), err -> Future.succeededFuture());
  }

  /** Recomputes the connection gauges on the context (the scrape thread only reads the atomics). */
  private void refreshGauges() {
    long shared = 0;
    long isolated = 0;
    for (Entry e : entries.values()) {
      if (open(e.shared)) {
        shared++;
      }
      for (Slot slot : e.isolated.values()) {
        if (open(slot)) {
          isolated++;
        }
      }
    }
    gauges.sharedOpen.set(shared);
    gauges.isolatedOpen.set(isolated);
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
}
