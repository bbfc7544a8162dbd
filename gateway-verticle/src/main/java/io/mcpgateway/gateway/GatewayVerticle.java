package io.mcpgateway.gateway;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.gateway.auth.ProtectedResourceMetadata;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.dispatch.HeldCallStates;
import io.mcpgateway.gateway.dispatch.HeldCalls;
import io.mcpgateway.gateway.dispatch.McpDispatcher;
import io.mcpgateway.gateway.endpoint.ListenStreams;
import io.mcpgateway.gateway.endpoint.ModernHttpEndpoint;
import io.mcpgateway.gateway.endpoint.StreamableHttpEndpoint;
import io.mcpgateway.gateway.endpoint.McpRoutes;
import io.mcpgateway.gateway.ratelimit.FallbackRateLimiter;
import io.mcpgateway.gateway.ratelimit.InProcessRateLimiter;
import io.mcpgateway.gateway.ratelimit.NodeRateWindows;
import io.mcpgateway.gateway.ratelimit.RateLimiter;
import io.mcpgateway.gateway.ratelimit.RedisRateLimiter;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import io.mcpgateway.gateway.ratelimit.RateLimitHandler;
import io.mcpgateway.gateway.session.EndedSessions;
import io.mcpgateway.gateway.session.SessionCounts;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.gateway.session.SessionTokens;
import io.mcpgateway.gateway.upstream.Listing;
import io.mcpgateway.gateway.upstream.UpstreamLimits;
import io.mcpgateway.gateway.upstream.UpstreamPool;
import io.mcpgateway.gateway.upstream.UpstreamTrust;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.bus.ServerChanged;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.http.ConnectionGuard;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.identity.AccessPolicy;
import io.mcpgateway.model.identity.BearerAuthenticator;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.ops.Health;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The data plane: serves each active preset as an MCP endpoint at {@code /mcp/{slug}}. Only wires. A node
 * deploys it as several instances (one event loop each, {@code MGW_GATEWAY_INSTANCES}) sharing the port;
 * each instance has its own caches, upstream connections and session views, and shares only the
 * thread-safe {@link NodeWide} parts.
 */
public final class GatewayVerticle extends VerticleBase {
  /**
   * What the instances of one node share: the session-token key (stateless) and the node-wide counts of the
   * in-process rate-limit windows (lock-free; so a caller's limit is per node, not per instance, without Redis).
   */
  public record NodeWide(SessionTokens tokens, NodeRateWindows rateWindows, SessionCounts sessionCounts,
      io.mcpgateway.gateway.catalog.LastKnownConfig lastKnown, EndedSessions endedSessions,
      io.vertx.core.net.TrustOptions upstreamTrust, io.mcpgateway.model.net.FailureThrottle lookupFailures) {
    /** Reads the upstream CA file (if any) here, once, off the event loops; a bad file is a configuration error. */
    public static NodeWide of(NodeSettings node) {
      var limits = node.config().callerLimits();
      io.vertx.core.net.TrustOptions trust;
      try {
        trust = node.config().upstream().caFile().map(UpstreamTrust::withExtraCas).orElse(null);
      } catch (IllegalArgumentException e) {
        throw new io.mcpgateway.config.ConfigException(e.getMessage());
      }
      Duration maxAge = node.config().scale().sessionMaxAge();
      return new NodeWide(new SessionTokens(node.secrets(), maxAge, Clock.systemUTC()),
          new NodeRateWindows(), new SessionCounts(limits.sessionsPerCaller(), limits.sessionsPerNode())
              .meter(io.vertx.micrometer.backends.BackendRegistries.getDefaultNow()),
          new io.mcpgateway.gateway.catalog.LastKnownConfig(limits.staleConfigFor()),
          new EndedSessions(SessionRegistry.MAX_ENDED, maxAge), trust,
          new io.mcpgateway.model.net.FailureThrottle(limits.lookupFailuresPerMinute(), Duration.ofMinutes(1)));
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayVerticle.class);
  private static final JsonObject LIST_CHANGED = JsonRpc.notification("notifications/tools/list_changed", null);
  private static final JsonObject PROMPTS_CHANGED = JsonRpc.notification("notifications/prompts/list_changed", null);
  private static final JsonObject RESOURCES_CHANGED = JsonRpc.notification("notifications/resources/list_changed", null);

  private final NodeSettings node;
  private Pool pool;
  private HttpServer server;
  private UpstreamPool upstreams;
  /** Names this instance's entries in the node-local circuit map (instances of one deployment share its id). */
  private final String instanceId = UUID.randomUUID().toString();
  private SessionRegistry sessions;
  private HeldCalls heldCalls;
  private ListenStreams listeners;
  private CatalogService catalogs;
  private McpDispatcher dispatcher;
  private final PresetStore presets = new PresetStore();
  private Redis redis;
  private FallbackRateLimiter fallback;
  private ConnectionGuard guard;

  private final NodeWide shared;

  /** A single instance with its own node-wide parts (tests). */
  public GatewayVerticle(NodeSettings node) {
    this(node, NodeWide.of(node));
  }

  public GatewayVerticle(NodeSettings node, NodeWide shared) {
    this.node = node;
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = node.config();
    pool = Database.pool(vertx, node.pg());
    upstreams = new UpstreamPool(vertx,
        UpstreamPool.Settings.defaults(config.upstream().toolCallTimeout(), config.upstream().catalogTimeout())
            .withLimits(UpstreamLimits.defaults().withControlTimeout(config.upstream().catalogTimeout())
                .withMaxMessageBytes((int) config.upstream().maxMessageBytes())
                .withSseRetryFloor(config.upstream().sseRetryFloor())
                .withMaxSubscriptions(config.upstream().maxSubscriptions())
                .withTrust(shared.upstreamTrust())
                .withNetwork(io.mcpgateway.model.net.PrivateNetworkPolicy.of(config.security().privateNetworkAllowlist()))));
    catalogs = new CatalogService(pool, new UpstreamServerStore(node.secrets()), upstreams, config.upstream().catalogTimeout(),
        shared.lastKnown());
    sessions = new SessionRegistry(vertx, shared.tokens(), config.sessionIdleTimeout(),
        SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, shared.sessionCounts(), shared.endedSessions());
    // A session's own upstream sessions (it declared sampling, elicitation or roots) end with its view here.
    sessions.onEnded(s -> upstreams.release(s.id()));
    heldCalls = new HeldCalls(vertx, new HeldCallStates(node.secrets(), Clock.systemUTC()), instanceId);
    dispatcher = new McpDispatcher(vertx, catalogs, upstreams, sessions, heldCalls,
        new io.mcpgateway.gateway.dispatch.TaskIds(node.secrets(), instanceId));
    listeners = new ListenStreams(vertx, dispatcher::stopListening);
    var endpoint = new StreamableHttpEndpoint(dispatcher, sessions, config.callerLimits().maxBatchSize(),
        new ModernHttpEndpoint(dispatcher, listeners));
    var policy = new AccessPolicy(pool);
    InProcessRateLimiter local = new InProcessRateLimiter(Clock.systemUTC(), shared.rateWindows());
    vertx.setPeriodic(1000, t -> local.sweep());
    RateLimiter limiter = local;
    if (config.redisUrl().isPresent()) {
      redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redisUrl().get().toString())
          .setMaxPoolSize(16).setMaxWaitingHandlers(4096));
      fallback = new FallbackRateLimiter(new RedisRateLimiter(redis, Clock.systemUTC(), Duration.ofMillis(250)), limiter,
          Duration.ofSeconds(1));
      limiter = fallback;
    }
    var rateLimit = new RateLimitHandler(limiter, config.defaultRateLimitPerMinute());
    upstreams.onToolListChanged(this::upstreamToolsChanged);
    upstreams.onCircuitChanged(this::circuitChanged);
    upstreams.onNotification(this::upstreamNotification);
    // Degraded upstreams (issue 13 item 8): last good lists served at once, clients told when a server's lists
    // change; servers that cannot notify are re-listed every minute.
    catalogs.onServerOfferChanged((serverId, lists) -> {
      if (lists.contains(Listing.TOOLS)) {
        notifyPresetsUsing(serverId, LIST_CHANGED);
      }
      if (lists.contains(Listing.PROMPTS)) {
        notifyPresetsUsing(serverId, PROMPTS_CHANGED);
      }
      if (lists.contains(Listing.RESOURCES) || lists.contains(Listing.RESOURCE_TEMPLATES)) {
        notifyPresetsUsing(serverId, RESOURCES_CHANGED);
      }
    });
    catalogs.refreshPeriodically(vertx, Duration.ofSeconds(60));

    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.PRESET_CHANGED, m -> presetChanged(PresetChanged.fromJson(m.body())));
    bus.<JsonObject>consumer(Addresses.SERVER_CHANGED, m -> serverChanged(ServerChanged.fromJson(m.body())));
    bus.<JsonObject>consumer(Addresses.SERVER_TOOLS, this::serverTools);
    bus.<JsonObject>consumer(Addresses.SERVER_FEATURES, this::serverFeatures);
    bus.<JsonObject>consumer(Addresses.PRESET_TOOLS, this::presetTools);
    bus.<JsonObject>consumer(Addresses.PRESET_FEATURES, this::presetFeatures);
    bus.<JsonObject>consumer(Addresses.SERVER_STATUS, this::serverStatus);

    return BearerAuthenticator.create(vertx, pool, config)
        .compose(authenticator -> policy.start(vertx).map(p -> router(config, endpoint, authenticator, policy, rateLimit)))
        .compose(router -> (guard = new ConnectionGuard(vertx, "MCP",
            // Connections are spread over the instances: each guards its share of the port's cap.
            ConnectionGuard.Limits.of(config.http().connections()).shared(config.scale().gatewayInstances())))
            .listen(new HttpServerOptions()
                .setHost(config.http().host())
                // Port 0 would give every instance its own random port; a negative port is Vert.x's "one random
                // port shared by the servers asking for this same value", so the instances still share one.
                .setPort(config.http().port() == 0 ? -1 : config.http().port())
                .setTcpNoDelay(true), router))
        .onSuccess(s -> server = s);
  }

  private Router router(GatewayConfig config, StreamableHttpEndpoint endpoint, BearerAuthenticator authenticator,
      AccessPolicy policy, RateLimitHandler rateLimit) {
    Router router = Router.router(vertx);
    Health health = new Health(vertx).postgres(pool, config.database().timeout())
        .info("rate-limits", () -> new JsonObject().put("backend", fallback == null ? "in-process"
            : fallback.degraded() ? "in-process (Redis unreachable)" : "redis"))
        .info("upstreams", () -> new JsonObject().put("openCircuits", new JsonArray(upstreams.openCircuits())));
    authenticator.oauthStatus().ifPresent(s -> health.info("oauth-issuer", () -> authenticator.oauthStatus().orElseThrow()));
    health.mount(router);
    new ProtectedResourceMetadata(config, catalogs).mount(router);
    McpRoutes.mount(router, config, catalogs, endpoint, authenticator, policy, rateLimit, shared.lookupFailures());
    router.route().last().handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.route().failureHandler(Problems::handleFailure);
    return router;
  }

  private void presetChanged(PresetChanged change) {
    catalogs.presetChanged(change.presetId());
    // Links and allow-lists shape every list the preset offers.
    for (JsonObject changed : List.of(LIST_CHANGED, PROMPTS_CHANGED, RESOURCES_CHANGED)) {
      sessions.notifyPreset(change.presetId(), changed);
    }
    for (JsonObject changed : List.of(LIST_CHANGED, PROMPTS_CHANGED, RESOURCES_CHANGED)) {
      notifyListeners(change.presetId(), changed);
    }
    if (change.change() != Change.DELETED) {
      recheckListeners(change.presetId());
    }
    if (change.change() == Change.DELETED) {
      listeners.endPreset(change.presetId());
      sessions.forgetPreset(change.presetId());
    }
  }

  private void serverChanged(ServerChanged change) {
    catalogs.serverChanged(change.serverId());
    notifyPresetsUsing(change.serverId(), LIST_CHANGED);
    notifyPresetsUsing(change.serverId(), PROMPTS_CHANGED);
    notifyPresetsUsing(change.serverId(), RESOURCES_CHANGED);
    presets.presetsUsingServer(pool, change.serverId()).onSuccess(ids -> ids.keySet().forEach(this::recheckListeners));
  }

  private void upstreamNotification(UUID serverId, JsonObject notification) {
    dispatcher.upstreamNotification(serverId, notification);
    if ("notifications/resources/updated".equals(notification.getString("method"))) {
      listeners.resourceUpdated(serverId, notification);
    }
  }

  private void upstreamToolsChanged(UUID serverId) {
    // Clients are told once the new list has been fetched and differs (onServerOfferChanged).
    catalogs.toolsChanged(serverId);
  }

  private void notifyPresetsUsing(UUID serverId, JsonObject notification) {
    presets.presetsUsingServer(pool, serverId)
        .onSuccess(ids -> ids.keySet().forEach(id -> {
          sessions.notifyPreset(id, notification);
          notifyListeners(id, notification);
        }));
  }

  /** A preset or one of its servers changed: its listen streams no longer served as acknowledged end. */
  private void recheckListeners(UUID presetId) {
    if (!listeners.holds(presetId)) {
      return;
    }
    catalogs.presetById(presetId)
        .compose(p -> p.isEmpty() ? Future.succeededFuture(l -> false) : dispatcher.stillServed(p.get()))
        .onSuccess(served -> listeners.recheck(presetId, served))
        .onFailure(e -> LOG.debug("could not recheck the listen streams of preset {}: {}", presetId, e.getMessage()));
  }

  /** The 2026 listen streams of the preset that opted in to this kind of list change. */
  private void notifyListeners(UUID presetId, JsonObject notification) {
    String filterKey = notification == LIST_CHANGED ? "toolsListChanged"
        : notification == PROMPTS_CHANGED ? "promptsListChanged" : "resourcesListChanged";
    listeners.notifyPreset(presetId, filterKey, notification.getString("method"));
  }

  /** Management's "pick tools" view: the live, unfiltered tool list of one server. */
  private void serverTools(Message<JsonObject> msg) {
    requestedServer(msg).compose(catalogs::serverTools)
        .onSuccess(tools -> msg.reply(new JsonObject().put("tools", new JsonArray(tools))))
        .onFailure(e -> fail(msg, e));
  }

  /** Management's "pick prompts and resources" view: the live, unfiltered lists of one server. */
  private void serverFeatures(Message<JsonObject> msg) {
    requestedServer(msg).compose(catalogs::serverFeatures)
        .onSuccess(lists -> {
          JsonObject out = new JsonObject();
          for (Listing listing : List.of(Listing.PROMPTS, Listing.RESOURCES, Listing.RESOURCE_TEMPLATES)) {
            out.put(listing.resultKey(), new JsonArray(lists.getOrDefault(listing, List.of())));
          }
          msg.reply(out);
        })
        .onFailure(e -> fail(msg, e));
  }

  private Future<io.mcpgateway.model.server.UpstreamServer> requestedServer(Message<JsonObject> msg) {
    UUID id = UUID.fromString(msg.body().getString("serverId"));
    return catalogs.server(id).compose(s -> s.isPresent() ? Future.succeededFuture(s.get())
        : Future.failedFuture(io.mcpgateway.model.GatewayException.notFound("server")));
  }

  /**
   * Management's server status: the worst breaker state of the upstream over this node's gateway instances.
   * Each instance has its own pool and breakers; they note non-closed breakers in a node-local map (bounded by
   * servers × instances, entries removed when a breaker closes or the instance stops), so any instance answers
   * for all of them.
   */
  private void serverStatus(Message<JsonObject> msg) {
    UUID id = UUID.fromString(msg.body().getString("serverId"));
    String prefix = id + "/";
    int open = 0;
    int halfOpen = 0;
    for (var e : circuits().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        if (e.getValue().equals("open")) {
          open++;
        } else {
          halfOpen++;
        }
      }
    }
    String circuit = open > 0 ? "open" : halfOpen > 0 ? "half_open" : "closed";
    msg.reply(new JsonObject().put("serverId", id.toString()).put("circuit", circuit)
        .put("openInstances", open).put("halfOpenInstances", halfOpen));
  }

  private io.vertx.core.shareddata.LocalMap<String, String> circuits() {
    return vertx.sharedData().getLocalMap("mgw.upstream.circuits");
  }

  private void circuitChanged(UUID serverId, io.vertx.circuitbreaker.CircuitBreakerState state) {
    String key = serverId + "/" + instanceId;
    switch (state) {
      case OPEN -> circuits().put(key, "open");
      case HALF_OPEN -> circuits().put(key, "half_open");
      case CLOSED -> circuits().remove(key);
    }
  }

  /** Management's view of a preset's exposed catalog, with collision notes. */
  private void presetTools(Message<JsonObject> msg) {
    requestedPreset(msg).compose(catalogs::catalog)
        .onSuccess(catalog -> msg.reply(catalog.toJson()))
        .onFailure(e -> fail(msg, e));
  }

  /** Management's view of a preset's exposed prompts, resources and templates, with collision notes. */
  private void presetFeatures(Message<JsonObject> msg) {
    requestedPreset(msg).compose(catalogs::features)
        .onSuccess(features -> msg.reply(features.toJson()))
        .onFailure(e -> fail(msg, e));
  }

  private Future<io.mcpgateway.model.preset.Preset> requestedPreset(Message<JsonObject> msg) {
    UUID id = UUID.fromString(msg.body().getString("presetId"));
    return catalogs.presetById(id).compose(p -> p.isPresent() ? Future.succeededFuture(p.get())
        : Future.failedFuture(io.mcpgateway.model.GatewayException.notFound("preset")));
  }

  private static void fail(Message<?> msg, Throwable e) {
    ErrorCode code = e instanceof io.mcpgateway.model.GatewayException g ? g.code() : ErrorCode.UPSTREAM_UNAVAILABLE;
    msg.fail(code.busCode(), e.getMessage() == null ? code.title() : e.getMessage());
  }

  @Override
  /**
   * Drains in this order: GET streams closed; the HTTP server stops accepting and lets requests in flight
   * (tool calls) finish within {@code MGW_SHUTDOWN_GRACE}; then sessions end (cancelling what still runs);
   * then upstream connections and pools close.
   */
  public Future<?> stop() {
    circuits().keySet().stream().filter(k -> k.endsWith("/" + instanceId)).toList().forEach(circuits()::remove);
    if (sessions != null) {
      sessions.closeStreams();
    }
    if (listeners != null) {
      listeners.close();
    }
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(node.config().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    return drained
        .eventually(() -> {
          if (sessions != null) {
            sessions.close();
          }
          if (dispatcher != null) {
            dispatcher.flushMetrics();
          }
          if (heldCalls != null) {
            heldCalls.close();
          }
          if (guard != null) {
            guard.close();
          }
          return Future.succeededFuture();
        })
        .eventually(() -> upstreams == null ? Future.succeededFuture() : upstreams.close())
        .eventually(() -> pool.close())
        .eventually(() -> {
          if (redis != null) {
            redis.close();
          }
          return Future.succeededFuture();
        });
  }

  /** How many sessions this instance holds a view of (its own and those continued here); read on its loop. */
  public Future<Integer> sessionViews() {
    return context.<Integer>executeBlocking(() -> sessions.size(), false);
  }

  /** How many subscriptions/listen streams this instance holds open; read on its loop. */
  public Future<Integer> listenStreams() {
    io.vertx.core.Promise<Integer> size = io.vertx.core.Promise.promise();
    context.runOnContext(v -> size.complete(listeners.size()));
    return size.future();
  }

  /** How many calls this instance holds for modern callers' input (2025-era upstreams waiting); read on its loop. */
  public Future<Integer> heldCalls() {
    io.vertx.core.Promise<Integer> size = io.vertx.core.Promise.promise();
    context.runOnContext(v -> size.complete(heldCalls.size()));
    return size.future();
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }
}
