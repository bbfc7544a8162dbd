package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Resource URIs inside a server's results follow the preset's naming rule (docs/endpoint.md §Federation): a
 * resource link ({@code resource_link} content, its {@code uri}) or an embedded resource ({@code resource}
 * content, its {@code resource.uri}) in a {@code tools/call} result's {@code content} or a {@code prompts/get}
 * result's {@code messages[].content} names the resource as its server knows it; the client gets the URI that
 * reads it from that server through the preset ({@code FeatureCatalog.exposedUri}), so a clashing URI comes back
 * wrapped and a unique one unchanged.
 */
final class ResultUris {
  private ResultUris() {}

  static Future<JsonObject> expose(CatalogService catalogs, Preset preset, UUID serverId, JsonObject result) {
    List<JsonObject> named = new ArrayList<>();
    if (result.getValue("content") instanceof JsonArray content) {
      content.forEach(block -> collect(block, named));
    }
    if (result.getValue("messages") instanceof JsonArray messages) {
      messages.forEach(m -> {
        if (m instanceof JsonObject message) {
          collect(message.getValue("content"), named);
        }
      });
    }
    if (named.isEmpty()) {
      return Future.succeededFuture(result);
    }
    // Without the catalog (it could not be built) the result still goes out, its URIs as the server wrote them.
    return catalogs.features(preset).map(catalog -> {
      named.forEach(n -> n.put("uri", catalog.exposedUri(serverId, n.getString("uri"))));
      return result;
    }).otherwise(result);
  }

  /** The object holding the URI of a resource link or embedded resource. */
  private static void collect(Object block, List<JsonObject> named) {
    if (!(block instanceof JsonObject content)) {
      return;
    }
    JsonObject holder = switch (String.valueOf(content.getValue("type"))) {
      case "resource_link" -> content;
      case "resource" -> content.getValue("resource") instanceof JsonObject r ? r : null;
      default -> null;
    };
    if (holder != null && holder.getValue("uri") instanceof String) {
      named.add(holder);
    }
  }
}
