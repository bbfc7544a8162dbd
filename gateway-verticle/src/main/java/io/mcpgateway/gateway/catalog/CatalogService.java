package io.mcpgateway.gateway.catalog;

import io.mcpgateway.gateway.upstream.Listing;
import io.mcpgateway.gateway.upstream.ServerOffer;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.gateway.upstream.Upstreams;
import com.github.benmanes.caffeine.cache.Cache;
import io.mcpgateway.model.cache.FutureCache;
import io.mcpgateway.model.db.DatabaseOutage;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What the data plane serves, cached: presets by slug, upstream servers by id, and each preset's federated
 * {@link ToolCatalog}. Caches are bounded and expire; concurrent misses for one key load once. The
 * invalidation hooks are driven by the event bus (preset/server changes) and by upstreams announcing
 * {@code tools/list_changed}.
 */
public final class CatalogService {
  /** How long a preset's catalog is served before the upstreams are listed again (the modern ttlMs hint). */
  public static final Duration CATALOG_TTL = Duration.ofSeconds(60);

  /** The modern cacheScope hint: a public preset's lists are the same for everyone, any other's are for its permitted callers. */
  public static String cacheScope(Preset preset) {
    return preset.visibility() == Visibility.PUBLIC ? "public" : "private";
  }

  private final Pool pool;
  private final Upstreams upstreams;
  private final Duration catalogTimeout;
  private final PresetStore presets = new PresetStore();
  private final UpstreamServerStore servers;
  private final FutureCache<String, Optional<Preset>> presetsBySlug = new FutureCache<>(10_000, Duration.ofSeconds(30));
  private final FutureCache<UUID, Optional<UpstreamServer>> serversById = new FutureCache<>(10_000, Duration.ofSeconds(60));
  /**
   * Keyed by the preset as read (links and allow-lists included), not by its id: a request that read the
   * preset just before a change, and builds its catalog just after the invalidation, must not cache the old
   * selection under a key that requests reading the new preset would hit.
   */
  private final FutureCache<Preset, ToolCatalog> catalogs = new FutureCache<>(10_000, CATALOG_TTL);
  /** Prompts, resources, templates and capabilities, keyed like {@link #catalogs}. */
  private final FutureCache<Preset, FeatureCatalog> features = new FutureCache<>(10_000, Duration.ofSeconds(60));
  /** Stale-if-error: the node's last known presets and servers, answered while PostgreSQL is unreachable. */
  private final Cache<String, Optional<Preset>> lastKnownPresets;
  private final Cache<UUID, Optional<UpstreamServer>> lastKnownServers;
  /** What one server offers besides tools, as last answered. */
  record ServerFeatures(ServerOffer offer, Map<Listing, List<JsonObject>> lists) {}

  private final LastGood<List<JsonObject>> lastTools;
  private final LastGood<ServerFeatures> lastFeatures;
  private BiConsumer<UUID, java.util.Set<Listing>> changeListener = (id, lists) -> { };

  public CatalogService(Pool pool, UpstreamServerStore servers, Upstreams upstreams, Duration catalogTimeout) {
    this(pool, servers, upstreams, catalogTimeout, new LastKnownConfig(Duration.ofMinutes(15)));
  }

  public CatalogService(Pool pool, UpstreamServerStore servers, Upstreams upstreams, Duration catalogTimeout,
      LastKnownConfig lastKnown) {
    this.pool = pool;
    this.servers = servers;
    this.upstreams = upstreams;
    this.catalogTimeout = catalogTimeout;
    this.lastKnownPresets = lastKnown.presets;
    this.lastKnownServers = lastKnown.servers;
    this.lastTools = new LastGood<>((id, before, tools) -> {
      catalogs.invalidateAll();
      changeListener.accept(id, java.util.EnumSet.of(Listing.TOOLS));
    });
    this.lastFeatures = new LastGood<>((id, before, f) -> {
      features.invalidateAll();
      changeListener.accept(id, changedLists(before, f));
    });
  }

  /**
   * Called with a server's id and the lists that changed compared with its last answer, including a server that
   * answers after having been left out (then all of the kind fetched). The catalogs are already dropped; the
   * listener tells the clients ({@code list_changed} of those kinds only).
   */
  public void onServerOfferChanged(BiConsumer<UUID, java.util.Set<Listing>> listener) {
    this.changeListener = listener;
  }

  /** Which of prompts, resources and templates differ; a changed offer (capabilities, instructions) counts as all. */
  static java.util.Set<Listing> changedLists(ServerFeatures before, ServerFeatures after) {
    List<Listing> kinds = List.of(Listing.PROMPTS, Listing.RESOURCES, Listing.RESOURCE_TEMPLATES);
    if (before == null || !before.offer().equals(after.offer())) {
      return java.util.EnumSet.copyOf(kinds);
    }
    java.util.Set<Listing> changed = java.util.EnumSet.noneOf(Listing.class);
    for (Listing kind : kinds) {
      if (!java.util.Objects.equals(before.lists().get(kind), after.lists().get(kind))) {
        changed.add(kind);
      }
    }
    return changed;
  }

  /**
   * Re-lists, every {@code every}, the servers that cannot tell the gateway their lists changed (a Streamable HTTP
   * server without a GET stream) and the ones that have not answered yet.
   */
  public void refreshPeriodically(io.vertx.core.Vertx vertx, Duration every) {
    vertx.setPeriodic(every.toMillis(), t -> {
      java.util.Set<UUID> ids = new java.util.HashSet<>(lastTools.servers());
      ids.addAll(lastFeatures.servers());
      for (UUID id : ids) {
        server(id).onSuccess(found -> found.filter(UpstreamServer::active).ifPresent(s -> {
          if (upstreams.refreshIfSilent(s) || !lastTools.has(id) || !lastFeatures.has(id)) {
            refresh(s);
          }
        }));
      }
    });
  }

  private void refresh(UpstreamServer s) {
    lastTools.refresh(s.id(), () -> serverTools(s));
    lastFeatures.refresh(s.id(), () -> fetchFeatures(s));
  }

  /**
   * The preset served at a slug, active or not (callers decide); empty when none. While the database is
   * unreachable: the last known value, else {@code UNAVAILABLE} (never an internal error).
   */
  public Future<Optional<Preset>> presetBySlug(String slug) {
    return staleIfError(presetsBySlug.get(slug, s -> presets.findBySlug(pool, s).onSuccess(p -> lastKnownPresets.put(s, p))),
        lastKnownPresets, slug, "presets");
  }

  private static <K, V> Future<V> staleIfError(Future<V> read, Cache<K, V> lastKnown, K key, String what) {
    return read.recover(e -> {
      if (!DatabaseOutage.is(e)) {
        return Future.failedFuture(e);
      }
      V known = lastKnown.getIfPresent(key);
      if (known != null) {
        DatabaseOutage.servingStale(what);
        return Future.succeededFuture(known);
      }
      return Future.failedFuture(DatabaseOutage.unavailable(e));
    });
  }

  public Future<Optional<Preset>> presetById(UUID id) {
    return presets.findById(pool, id);
  }

  public Future<Optional<UpstreamServer>> server(UUID id) {
    return staleIfError(serversById.get(id, k -> servers.findById(pool, k).onSuccess(v -> lastKnownServers.put(k, v))),
        lastKnownServers, id, "upstream servers");
  }

  /** The preset's exposed tools; a server that cannot be listed in time is reported, not fatal. */
  public Future<ToolCatalog> catalog(Preset preset) {
    Future<ToolCatalog> catalog = catalogs.get(preset, this::load);
    return catalog.onSuccess(c -> {
      if (!c.complete()) {
        // Retry the missing servers on the next request rather than hiding their tools for a minute.
        catalogs.invalidate(preset);
      }
    });
  }

  /**
   * The preset's prompts, resources, templates and the union of its servers' capabilities. A server that cannot be
   * reached in time is reported in {@code unavailable} (and retried on the next request), not fatal.
   */
  public Future<FeatureCatalog> features(Preset preset) {
    return features.get(preset, this::loadFeatures).onSuccess(c -> {
      if (!c.complete()) {
        features.invalidate(preset);
      }
    });
  }

  private Future<FeatureCatalog> loadFeatures(Preset preset) {
    List<FeatureCatalog.Linked> offers = new ArrayList<>();
    Map<UUID, Map<Listing, List<JsonObject>>> lists = new HashMap<>();
    List<ToolCatalog.Unavailable> unavailable = new ArrayList<>();
    List<Future<Void>> loads = new ArrayList<>();
    for (PresetServer link : preset.servers()) {
      if (!link.enabled()) {
        continue;
      }
      Future<Void> one = server(link.serverId()).compose(found -> {
        if (found.isEmpty() || !found.get().active()) {
          return Future.<Void>succeededFuture();
        }
        UpstreamServer server = found.get();
        return lastFeatures.get(link.serverId(), () -> fetchFeatures(server)).<Void>map(f -> {
          offers.add(new FeatureCatalog.Linked(link, f.offer()));
          lists.put(link.serverId(), f.lists());
          return null;
        }).recover(e -> {
          unavailable.add(new ToolCatalog.Unavailable(link.serverId(), link.serverSlug(),
              e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
          return Future.succeededFuture();
        });
      });
      loads.add(one);
    }
    return Future.join(loads).transform(ar ->
        Future.succeededFuture(FeatureCatalogBuilder.build(preset, offers, lists, unavailable)));
  }

  /** initialize's offer and the lists it announces, from the server itself. */
  private Future<ServerFeatures> fetchFeatures(UpstreamServer server) {
    return upstreams.offer(server).timeout(catalogTimeout.toMillis() * 2, TimeUnit.MILLISECONDS).compose(offer -> {
      Map<Listing, List<JsonObject>> mine = new java.util.EnumMap<>(Listing.class);
      List<Future<Void>> parts = new ArrayList<>();
      for (Listing listing : List.of(Listing.PROMPTS, Listing.RESOURCES, Listing.RESOURCE_TEMPLATES)) {
        if (offer.offers(listing.capability())) {
          parts.add(upstreams.list(server, listing).timeout(catalogTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)
              // A server that offers resources but has no templates may answer -32601: nothing to list.
              .recover(e -> e instanceof UpstreamRpcError ? Future.succeededFuture(List.of()) : Future.failedFuture(e))
              .onSuccess(items -> mine.put(listing, items)).mapEmpty());
        }
      }
      return Future.all(parts).map(v -> new ServerFeatures(offer, Map.copyOf(mine)));
    });
  }

  /** The server's full, unfiltered live tool list (management's "pick tools" view). */
  public Future<List<JsonObject>> serverTools(UpstreamServer server) {
    return upstreams.listTools(server).timeout(catalogTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
  }

  /**
   * The server's full, unfiltered live prompts, resources and resource templates (management's picker), fetched now
   * rather than from the last good lists; a list the server does not offer is absent.
   */
  public Future<Map<Listing, List<JsonObject>>> serverFeatures(UpstreamServer server) {
    return fetchFeatures(server).map(ServerFeatures::lists);
  }

  private Future<ToolCatalog> load(Preset preset) {
    List<PresetServer> enabled = preset.servers().stream().filter(PresetServer::enabled).toList();
    Map<UUID, List<JsonObject>> tools = new HashMap<>();
    Map<UUID, JsonObject> taskServers = new HashMap<>();
    List<ToolCatalog.Unavailable> unavailable = new ArrayList<>();
    List<Future<Void>> loads = new ArrayList<>();
    for (PresetServer link : enabled) {
      Future<Void> one = server(link.serverId()).compose(found -> {
        if (found.isEmpty() || !found.get().active()) {
          return Future.<Void>succeededFuture();
        }
        // The last good list at once while a fresh one is fetched: a hanging server never stalls the others.
        Future<Void> listed = lastTools.get(link.serverId(), () -> serverTools(found.get()))
            .onSuccess(list -> tools.put(link.serverId(), list))
            .onFailure(e -> unavailable.add(new ToolCatalog.Unavailable(link.serverId(), link.serverSlug(),
                e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())))
            .<Void>mapEmpty()
            .otherwiseEmpty();
        Future<Void> tasks = taskCapability(found.get()).onSuccess(t -> {
          if (t != null) {
            taskServers.put(link.serverId(), t);
          }
        }).<Void>mapEmpty().otherwiseEmpty();
        return Future.join(listed, tasks).<Void>mapEmpty().otherwiseEmpty();
      });
      loads.add(one);
    }
    return Future.join(loads).transform(ar -> Future.succeededFuture(CatalogBuilder.build(preset, tools, unavailable,
        taskServers)));
  }

  /**
   * The server's {@code tasks} capability when the gateway relays its tasks, else null (MCP 2025-11-25
   * basic/utilities/tasks): it must declare {@code tasks.requests.tools.call} and speak Streamable HTTP (any gateway
   * instance reaches the upstream session a task lives in by its id) or stdio (a task lives in one instance's child
   * process; the others forward to that instance). Legacy HTTP+SSE is 2024-11-05, before tasks. From the last good
   * offer, like the lists.
   */
  private Future<JsonObject> taskCapability(UpstreamServer server) {
    if (server.transport() == io.mcpgateway.model.server.Transport.SSE) {
      return Future.succeededFuture();
    }
    return lastFeatures.get(server.id(), () -> fetchFeatures(server)).map(f ->
        f.offer().capabilities().getValue("tasks") instanceof JsonObject tasks
            && tasks.getValue("requests") instanceof JsonObject requests
            && requests.getValue("tools") instanceof JsonObject tools
            && tools.getValue("call") instanceof JsonObject ? tasks.copy() : null);
  }

  /** A preset changed (any node): forget presets (its slug may have changed) and its catalog. */
  public void presetChanged(UUID presetId) {
    presetsBySlug.invalidateAll();
    catalogs.invalidateIf(p -> p.id().equals(presetId));
    features.invalidateIf(p -> p.id().equals(presetId));
  }

  /**
   * A server's record changed: drop its record and every catalog. Its connection is replaced only when what the
   * connection uses changed (a new name or description keeps the calls in flight), and closed when the server
   * is gone or no longer active; a replaced or closed connection drains its calls first.
   */
  public Future<Void> serverChanged(UUID serverId) {
    serversById.invalidate(serverId);
    catalogs.invalidateAll();
    features.invalidateAll();
    // Its configuration changed: what it answered before may not be what it offers now.
    lastTools.forget(serverId);
    lastFeatures.forget(serverId);
    return server(serverId)
        .compose(found -> found.isPresent() && found.get().active() ? upstreams.changed(found.get())
            : upstreams.evict(serverId))
        .recover(e -> upstreams.evict(serverId));
  }

  /**
   * An upstream announced a new tool list: fetch it now; when it differs from the last one the catalogs are dropped
   * and the change listener runs (so clients are told only once the new list is there to be read).
   */
  public void toolsChanged(UUID serverId) {
    server(serverId).onSuccess(found -> found.filter(UpstreamServer::active)
        .ifPresent(s -> lastTools.refresh(serverId, () -> serverTools(s))));
  }

  /** An upstream announced new prompts or resources: as {@link #toolsChanged}, for them. */
  public void featuresChanged(UUID serverId) {
    server(serverId).onSuccess(found -> found.filter(UpstreamServer::active)
        .ifPresent(s -> lastFeatures.refresh(serverId, () -> fetchFeatures(s))));
  }
}
