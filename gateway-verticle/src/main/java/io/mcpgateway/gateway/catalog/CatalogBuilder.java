package io.mcpgateway.gateway.catalog;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Federation rules (ARCHITECTURE.md §5): for each enabled link in link order, the upstream's tools allowed by
 * the link; a tool keeps its original name unless an earlier link already exposes that name, in which case
 * it is exposed as {@code {serverSlug}__{tool}}. Deterministic for the same inputs.
 */
public final class CatalogBuilder {
  public static final String SEPARATOR = "__";

  private CatalogBuilder() {}

  public static ToolCatalog build(Preset preset, Map<java.util.UUID, List<JsonObject>> toolsByServer,
      List<ToolCatalog.Unavailable> unavailable) {
    List<ExposedTool> exposed = new ArrayList<>();
    List<ToolCatalog.Note> notes = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    if (preset.active()) {
      for (PresetServer link : preset.servers()) {
        List<JsonObject> tools = toolsByServer.get(link.serverId());
        if (!link.enabled() || tools == null) {
          continue;
        }
        List<JsonObject> sorted = new ArrayList<>(tools);
        sorted.sort(Comparator.comparing(t -> t.getString("name")));
        for (JsonObject tool : sorted) {
          String original = tool.getString("name");
          if (!link.allows(original)) {
            continue;
          }
          String name = original;
          if (taken.contains(name)) {
            name = link.serverSlug() + SEPARATOR + original;
            if (taken.contains(name)) {
              notes.add(new ToolCatalog.Note(null, original, link.serverSlug(), "hidden: both \"" + original
                  + "\" and \"" + name + "\" are already exposed"));
              continue;
            }
            notes.add(new ToolCatalog.Note(name, original, link.serverSlug(),
                "renamed: \"" + original + "\" is already exposed by an earlier server of this preset"));
          }
          taken.add(name);
          exposed.add(new ExposedTool(name, original, link.serverId(), link.serverSlug(), tool));
        }
      }
    }
    exposed.sort(Comparator.comparing(ExposedTool::name));
    return new ToolCatalog(exposed, notes, unavailable);
  }
}
