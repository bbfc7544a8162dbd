package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.mcpgateway.gateway.dispatch.Listening.Watch;

/**
 * The filter of a 2026-07-28 {@code subscriptions/listen} request (basic/patterns/subscriptions §Notification
 * Filter) against what a preset can serve: the list changes of the lists it advertises, and updates of the
 * resources the client names that route to a linked server supporting subscriptions, each held upstream for as
 * long as the stream lives (through {@link Forwarder#subscribe}, shared with every other holder of that URI).
 */
final class ListenFilter {
  /** At most this many URIs in one listen request's {@code resourceSubscriptions}. */
  static final int MAX_URIS = 100;

  private static final List<String> LISTS = List.of("toolsListChanged", "promptsListChanged", "resourcesListChanged");

  private final CatalogService catalogs;
  private final Forwarder forwarder;

  ListenFilter(CatalogService catalogs, Forwarder forwarder) {
    this.catalogs = catalogs;
    this.forwarder = forwarder;
  }

  /**
   * The honoured subset of {@code requested} and the upstream subscriptions behind it. Fails with -32602 for a
   * malformed filter or too many URIs, and with {@code UNAVAILABLE} when this instance holds the most upstream
   * subscriptions it may; a URI the preset cannot watch is left out of the acknowledgement.
   */
  Future<Listening> open(Preset preset, JsonObject requested) {
    for (String key : LISTS) {
      if (requested.getValue(key) != null && !(requested.getValue(key) instanceof Boolean)) {
        return Future.failedFuture(Params.invalid("notifications." + key + " must be a boolean"));
      }
    }
    Set<String> uris = new LinkedHashSet<>();
    Object raw = requested.getValue("resourceSubscriptions");
    if (raw != null) {
      if (!(raw instanceof JsonArray list) || list.stream().anyMatch(u -> !(u instanceof String s) || s.isEmpty())) {
        return Future.failedFuture(Params.invalid("notifications.resourceSubscriptions must be an array of resource URIs"));
      }
      list.forEach(u -> uris.add((String) u));
      if (uris.size() > MAX_URIS) {
        return Future.failedFuture(Params.invalid("a subscriptions/listen request may name at most " + MAX_URIS
            + " resource URIs (got " + uris.size() + "); open another stream for the rest"));
      }
    }
    return catalogs.features(preset).compose(catalog -> {
      JsonObject caps = catalog.capabilities();
      JsonObject honoured = new JsonObject();
      if (Boolean.TRUE.equals(requested.getValue("toolsListChanged"))) {
        honoured.put("toolsListChanged", true);
      }
      if (Boolean.TRUE.equals(requested.getValue("promptsListChanged")) && caps.containsKey("prompts")) {
        honoured.put("promptsListChanged", true);
      }
      if (Boolean.TRUE.equals(requested.getValue("resourcesListChanged")) && caps.containsKey("resources")) {
        honoured.put("resourcesListChanged", true);
      }
      return watch(catalog, uris).map(watches -> {
        if (!watches.isEmpty()) {
          honoured.put("resourceSubscriptions", new JsonArray(watches.stream().map(Watch::exposedUri).toList()));
        }
        return new Listening(honoured, watches);
      });
    });
  }

  /** Subscribes upstream to each URI that routes to a server offering subscriptions; keeps the ones that took. */
  private Future<List<Watch>> watch(FeatureCatalog catalog, Set<String> uris) {
    List<Watch> wanted = new ArrayList<>();
    for (String uri : uris) {
      catalog.resource(uri)
          .filter(route -> catalog.offer(route.serverId()).map(o -> o.subscribable()).orElse(false))
          .ifPresent(route -> wanted.add(new Watch(route.serverId(), route.original(), uri)));
    }
    List<Future<Void>> subscribed = wanted.stream().map(w -> forwarder.subscribe(w.serverId(), w.uri())).toList();
    return Future.join(subscribed).transform(ar -> {
      List<Watch> held = new ArrayList<>();
      GatewayException full = null;
      for (int i = 0; i < wanted.size(); i++) {
        Future<Void> f = subscribed.get(i);
        if (f.succeeded()) {
          held.add(wanted.get(i));
        } else if (f.cause() instanceof GatewayException g && g.code() == ErrorCode.UNAVAILABLE) {
          full = g;
        }
      }
      if (full != null) {
        close(held);
        return Future.failedFuture(full);
      }
      return Future.succeededFuture(held);
    });
  }

  /**
   * After the preset or one of its servers changed: whether a stream opened earlier is still served as it was
   * acknowledged — every watched URI still routes to the same server and original URI, and that server still
   * supports subscriptions. (An inactive preset serves nothing.)
   */
  Future<java.util.function.Predicate<Listening>> stillServed(Preset preset) {
    if (!preset.active()) {
      return Future.succeededFuture(l -> false);
    }
    return catalogs.features(preset).map(catalog -> listening -> listening.watches().stream().allMatch(w ->
        catalog.resource(w.exposedUri())
            .filter(route -> route.serverId().equals(w.serverId()) && route.original().equals(w.uri()))
            .flatMap(route -> catalog.offer(route.serverId())).map(o -> o.subscribable()).orElse(false)));
  }

  /** The stream ended: its upstream subscriptions are released (the last holder unsubscribes upstream). */
  void close(List<Watch> watches) {
    watches.forEach(w -> forwarder.unsubscribe(w.serverId(), w.uri()));
  }

}
