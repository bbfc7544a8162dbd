package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/**
 * server/resources: the preset's federated resources and templates, {@code resources/read} routed to the owner
 * (contents, text or blob, passed through untouched but for the URIs the gateway qualified), and subscriptions
 * held once per upstream resource with updates delivered to exactly the subscribing sessions.
 */
final class ResourceMethods {
  private final CatalogService catalogs;
  private final Forwarder forwarder;
  private final ResourceSubscriptions subscriptions = new ResourceSubscriptions();

  ResourceMethods(CatalogService catalogs, Forwarder forwarder) {
    this.catalogs = catalogs;
    this.forwarder = forwarder;
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
            params.copy().put("uri", route.original()))
        .map(result -> exposeUris(result, uri, route)));
  }

  Future<JsonObject> subscribe(Exchange ex, JsonObject params) {
    String uri = uri(params);
    return route(ex, uri).compose(route -> {
      boolean first = subscriptions.subscribe(ex.session().id(), uri,
          new ResourceSubscriptions.Upstream(route.serverId(), route.original()));
      if (!first) {
        return Future.succeededFuture(new JsonObject());
      }
      // One hold per (server, URI) for all of this instance's sessions; 2026 listen streams hold their own.
      return forwarder.subscribe(route.serverId(), route.original())
          .map(r -> new JsonObject())
          .onFailure(e -> subscriptions.unsubscribe(ex.session().id(), uri));
    });
  }

  Future<JsonObject> unsubscribe(Exchange ex, JsonObject params) {
    String uri = uri(params);
    subscriptions.unsubscribe(ex.session().id(), uri).ifPresent(this::unsubscribeUpstream);
    return Future.succeededFuture(new JsonObject());
  }

  /** A session ended: give up the upstream subscriptions only it held. */
  void sessionEnded(String sessionId) {
    subscriptions.sessionEnded(sessionId).forEach(this::unsubscribeUpstream);
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

  private void unsubscribeUpstream(ResourceSubscriptions.Upstream upstream) {
    forwarder.unsubscribe(upstream.serverId(), upstream.uri());
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
