package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** server/prompts: {@code prompts/list} over the preset's federated prompts, {@code prompts/get} routed to the owner. */
final class PromptMethods {
  private final CatalogService catalogs;
  private final Forwarder forwarder;

  PromptMethods(CatalogService catalogs, Forwarder forwarder) {
    this.catalogs = catalogs;
    this.forwarder = forwarder;
  }

  Future<JsonObject> list(Exchange ex, JsonObject params) {
    String cursor = Params.cursor(params);
    return catalogs.features(ex.preset())
        .map(catalog -> FeatureLists.result(catalog.promptsPage(cursor), "prompts", "name"));
  }

  Future<JsonObject> get(Exchange ex, Object id, JsonObject params) {
    if (!(params.getValue("name") instanceof String name) || name.isEmpty()) {
      return Future.failedFuture(Params.invalid("prompts/get needs params.name"));
    }
    if (params.getValue("arguments") != null && !(params.getValue("arguments") instanceof JsonObject)) {
      return Future.failedFuture(Params.invalid("params.arguments must be an object"));
    }
    return catalogs.features(ex.preset()).compose(catalog -> {
      var prompt = catalog.prompt(name);
      if (prompt.isEmpty()) {
        return Future.failedFuture(Params.invalid("Unknown prompt: " + name + Params.unlisted(catalog.unavailable())));
      }
      JsonObject forwarded = params.copy().put("name", prompt.get().original());
      return forwarder.forward(ex, id, prompt.get().serverId(), "prompts/get", forwarded, name, r -> r);
    });
  }
}
