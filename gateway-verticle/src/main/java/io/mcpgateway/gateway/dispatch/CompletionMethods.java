package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * server/utilities/completion: {@code completion/complete} for a prompt argument or a resource-template variable,
 * routed to the server that owns the prompt or template, with the reference translated to its original name.
 */
final class CompletionMethods {
  private static final JsonObject NOTHING = new JsonObject().put("completion",
      new JsonObject().put("values", new JsonArray()).put("hasMore", false));

  private final CatalogService catalogs;
  private final Forwarder forwarder;

  CompletionMethods(CatalogService catalogs, Forwarder forwarder) {
    this.catalogs = catalogs;
    this.forwarder = forwarder;
  }

  Future<JsonObject> complete(Exchange ex, Object id, JsonObject params) {
    if (!(params.getValue("ref") instanceof JsonObject ref) || !(ref.getValue("type") instanceof String type)) {
      return Future.failedFuture(Params.invalid("completion/complete needs params.ref with a type"));
    }
    if (!(params.getValue("argument") instanceof JsonObject argument) || !(argument.getValue("name") instanceof String)) {
      return Future.failedFuture(Params.invalid("completion/complete needs params.argument.name"));
    }
    return catalogs.features(ex.preset()).compose(catalog -> {
      Optional<FeatureCatalog.Route> owner;
      JsonObject forwardedRef = ref.copy();
      switch (type) {
        case "ref/prompt" -> {
          String name = ref.getString("name");
          owner = catalog.prompt(name).map(p -> new FeatureCatalog.Route(p.serverId(), p.serverSlug(), p.original()));
          owner.ifPresent(o -> forwardedRef.put("name", o.original()));
        }
        case "ref/resource" -> {
          owner = catalog.template(ref.getString("uri"));
          owner.ifPresent(o -> forwardedRef.put("uri", o.original()));
        }
        default -> {
          return Future.failedFuture(Params.invalid("unknown ref.type \"" + type + "\" (ref/prompt or ref/resource)"));
        }
      }
      if (owner.isEmpty()) {
        return Future.failedFuture(Params.invalid("Unknown " + (type.equals("ref/prompt") ? "prompt: " + ref.getString("name")
            : "resource template: " + ref.getString("uri")) + Params.unlisted(catalog.unavailable())));
      }
      // A server that does not complete has nothing to offer; an empty answer is the honest one.
      boolean completes = catalog.offer(owner.get().serverId()).map(o -> o.offers("completions")).orElse(false);
      if (!completes) {
        return Future.succeededFuture(NOTHING.copy());
      }
      return forwarder.forward(ex, id, owner.get().serverId(), "completion/complete", params.copy().put("ref", forwardedRef));
    });
  }
}
