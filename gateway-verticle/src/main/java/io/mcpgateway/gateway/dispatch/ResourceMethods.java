package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * server/resources: the preset's federated resources and templates, {@code resources/read} routed to the owner
 * (contents, text or blob, passed through untouched but for the URIs the gateway qualified), and subscriptions
 * held once per upstream resource with updates delivered to exactly the subscribing sessions.
 * <p>A session's requests may reach any gateway instance of any node, while a subscription lives on the
 * instance that took it (with the upstream subscription on that instance's shared upstream session, where the
 * updates arrive). So every subscribe and unsubscribe is announced on {@link Addresses#SESSION_SUBSCRIPTION}: an
 * instance holding an older subscription of that session to that URI drops it, so exactly one instance holds it
 * (the latest subscribe wins) and an unsubscribe anywhere releases it. The upstream side (one hold per
 * (server, URI) per instance, made again on a new connection) is {@link Upstreams#subscribe}'s.
 */
final class ResourceMethods {
  /** How often subscriptions of sessions that ended elsewhere or reached their maximum age are dropped. */
  static final long SWEEP_MS = 30_000;

  private final Vertx vertx;
  private final CatalogService catalogs;
  private final Forwarder forwarder;
  private final SessionRegistry sessions;
  private final ResourceSubscriptions subscriptions = new ResourceSubscriptions();
  /** The upstream holds, one per upstream resource {@link #subscriptions} has subscribers for. */
  private final UpstreamHolds holds;
  /** This instance on the bus, and the sequence of its stamps. */
  private final String holder = UUID.randomUUID().toString();
  private long seq;

  ResourceMethods(Vertx vertx, CatalogService catalogs, Forwarder forwarder, SessionRegistry sessions) {
    this.vertx = vertx;
    this.catalogs = catalogs;
    this.forwarder = forwarder;
    this.sessions = sessions;
    this.holds = new UpstreamHolds(u -> forwarder.subscribe(u.serverId(), u.uri()),
        u -> forwarder.unsubscribe(u.serverId(), u.uri()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SESSION_SUBSCRIPTION, m -> heard(m.body()));
    vertx.setPeriodic(SWEEP_MS, t -> subscriptions.expired(sessions.now()).forEach(this::sessionEnded));
  }

  Future<JsonObject> list(Exchange ex, JsonObject params) {
    String cursor = Params.cursor(params);
    return catalogs.features(ex.preset())
        .map(catalog -> FeatureLists.result(catalog.resourcesPage(cursor), "resources", "uri"));
  }

  Future<JsonObject> templates(Exchange ex, JsonObject params) {
    String cursor = Params.cursor(params);
    return catalogs.features(ex.preset())
        .map(catalog -> FeatureLists.result(catalog.templatesPage(cursor), "resourceTemplates", "uriTemplate"));
  }

  Future<JsonObject> read(Exchange ex, Object id, JsonObject params) {
    String uri = uri(params);
    return route(ex, uri).compose(route -> forwarder.forward(ex, id, route.serverId(), "resources/read",
        params.copy().put("uri", route.original()), uri, result -> exposeUris(result, uri, route)));
  }

  Future<JsonObject> subscribe(Exchange ex, JsonObject params) {
    String uri = uri(params);
    String session = ex.session().id();
    return route(ex, uri).compose(route -> {
      ResourceSubscriptions.Stamp stamp = stamp();
      var upstream = new ResourceSubscriptions.Upstream(route.serverId(), route.original());
      subscriptions.subscribe(session, ex.session().expiresAt(), uri, upstream, stamp); // the first one here takes the hold
      announce(session, uri, true, stamp);
      // One hold per (server, URI) for all of this instance's sessions; 2026 listen streams hold their own. A
      // session joining a hold still being taken is answered when it is (and fails with it), not before.
      Future<Void> hold = holds.hold(upstream);
      return hold.map(r -> new JsonObject()).onFailure(e -> {
        // The hold failed (the pool holds nothing): its subscribers here go, not one a later hold serves.
        if (holds.current(upstream, hold)) {
          subscriptions.unsubscribe(session, uri).ifPresent(holds::release);
        }
      });
    });
  }

  Future<JsonObject> unsubscribe(Exchange ex, JsonObject params) {
    String uri = uri(params);
    ResourceSubscriptions.Stamp stamp = stamp();
    subscriptions.unsubscribe(ex.session().id(), uri).ifPresent(holds::release);
    announce(ex.session().id(), uri, false, stamp);
    return Future.succeededFuture(new JsonObject());
  }

  /** A session ended: give up the upstream subscriptions only it held. */
  void sessionEnded(String sessionId) {
    subscriptions.sessionEnded(sessionId).forEach(holds::release);
  }

  /** The notifications to send for an upstream's {@code notifications/resources/updated}: session id → message. */
  java.util.Map<String, JsonObject> updated(UUID serverId, JsonObject notification) {
    JsonObject params = notification.getJsonObject("params", new JsonObject());
    java.util.Map<String, JsonObject> out = new java.util.HashMap<>();
    for (var s : subscriptions.subscribers(serverId, params.getString("uri"))) {
      out.put(s.sessionId(), JsonRpc.notification("notifications/resources/updated", params.copy().put("uri", s.exposedUri())));
    }
    return out;
  }

  private ResourceSubscriptions.Stamp stamp() {
    return new ResourceSubscriptions.Stamp(System.currentTimeMillis(), ++seq, holder);
  }

  private void announce(String session, String uri, boolean subscribed, ResourceSubscriptions.Stamp stamp) {
    vertx.eventBus().publish(Addresses.SESSION_SUBSCRIPTION, new JsonObject().put("v", 1).put("sessionId", session)
        .put("uri", uri).put("subscribed", subscribed).put("at", stamp.millis()).put("seq", stamp.seq())
        .put("holder", stamp.holder()));
  }

  /**
   * Another instance took or gave up a session's subscription: an older one held here goes. A newer one held here
   * stays, and when the other instance just subscribed it is told so, so that it drops its own.
   */
  private void heard(JsonObject m) {
    if (!(m.getValue("sessionId") instanceof String session) || !(m.getValue("uri") instanceof String uri)
        || !(m.getValue("holder") instanceof String from) || from.equals(holder)
        || !(m.getValue("at") instanceof Number at) || !(m.getValue("seq") instanceof Number n)) {
      return;
    }
    var theirs = new ResourceSubscriptions.Stamp(at.longValue(), n.longValue(), from);
    subscriptions.stamp(session, uri).ifPresent(mine -> {
      if (mine.compareTo(theirs) < 0) {
        subscriptions.unsubscribe(session, uri).ifPresent(holds::release);
      } else if (Boolean.TRUE.equals(m.getValue("subscribed"))) {
        announce(session, uri, true, mine);
      }
    });
  }

  private Future<FeatureCatalog.Route> route(Exchange ex, String uri) {
    return catalogs.features(ex.preset()).compose(catalog -> {
      Optional<FeatureCatalog.Route> route = catalog.resource(uri);
      return route.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
          new GatewayException(ErrorCode.INVALID_INPUT, "Resource not found: " + uri
              + Params.unlisted(catalog.unavailable()))));
    });
  }

  /** A qualified URI read upstream under its original: the contents say the URI the client asked for. */
  private static JsonObject exposeUris(JsonObject result, String asked, FeatureCatalog.Route route) {
    if (asked.equals(route.original()) || !(result.getValue("contents") instanceof JsonArray contents)) {
      return result;
    }
    for (Object c : contents) {
      if (c instanceof JsonObject content && route.original().equals(content.getString("uri"))) {
        content.put("uri", asked);
      }
    }
    return result;
  }

  private static String uri(JsonObject params) {
    if (!(params.getValue("uri") instanceof String uri) || uri.isEmpty()) {
      throw Params.invalid("params.uri must be a non-empty string");
    }
    return uri;
  }
}
