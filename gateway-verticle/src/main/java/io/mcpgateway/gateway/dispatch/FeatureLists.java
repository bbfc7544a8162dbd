package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.mcpgateway.gateway.catalog.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One shape for the prompts, resources and templates list results: the page's items under their key, then the cursor. */
final class FeatureLists {
  private FeatureLists() {}

  static JsonObject result(Pages.Page<FeatureCatalog.Item> page, String listKey, String idField) {
    JsonArray items = new JsonArray();
    page.items().forEach(item -> items.add(item.toMcp(idField)));
    JsonObject out = new JsonObject().put(listKey, items);
    page.nextCursor().ifPresent(c -> out.put("nextCursor", c));
    return out;
  }
}
