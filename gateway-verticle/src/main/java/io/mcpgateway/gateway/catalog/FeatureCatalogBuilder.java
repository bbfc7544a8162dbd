package io.mcpgateway.gateway.catalog;

import io.mcpgateway.gateway.upstream.Listing;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiPredicate;

/** Builds a {@link FeatureCatalog} from what each linked server offered, by {@link Federation}'s rule. */
public final class FeatureCatalogBuilder {
  private FeatureCatalogBuilder() {}

  /**
   * {@code offers}: the servers that answered, in any order (the preset's link order is used); {@code lists}: per
   * server, the items of each list it offered.
   */
  public static FeatureCatalog build(Preset preset, List<FeatureCatalog.Linked> offers,
      Map<UUID, Map<Listing, List<JsonObject>>> lists, List<ToolCatalog.Unavailable> unavailable) {
    List<FeatureCatalog.Linked> linked = new ArrayList<>();
    if (preset.active()) {
      for (PresetServer link : preset.servers()) {
        offers.stream().filter(o -> link.enabled() && o.link().serverId().equals(link.serverId())).findFirst()
            .ifPresent(o -> linked.add(new FeatureCatalog.Linked(link, o.offer())));
      }
    }
    Map<Listing, List<ToolCatalog.Note>> notes = new java.util.EnumMap<>(Listing.class);
    List<FeatureCatalog.Item> prompts = expose(linked, lists, Listing.PROMPTS, Federation.NAMES, "prompt",
        PresetServer::allowsPrompt, notes);
    List<FeatureCatalog.Item> resources = expose(linked, lists, Listing.RESOURCES, Federation.URIS, "resource URI",
        PresetServer::allowsResource, notes);
    List<FeatureCatalog.Item> templates = expose(linked, lists, Listing.RESOURCE_TEMPLATES, Federation.URIS,
        "resource template", PresetServer::allowsResource, notes);
    return new FeatureCatalog(linked, prompts, resources, templates, notes, unavailable);
  }

  private static List<FeatureCatalog.Item> expose(List<FeatureCatalog.Linked> linked,
      Map<UUID, Map<Listing, List<JsonObject>>> lists, Listing listing, Federation.Qualifier qualifier, String kind,
      BiPredicate<PresetServer, String> allowed, Map<Listing, List<ToolCatalog.Note>> notes) {
    List<Federation.Claim> claims = new ArrayList<>();
    for (FeatureCatalog.Linked l : linked) {
      List<JsonObject> items = lists.getOrDefault(l.link().serverId(), Map.of()).getOrDefault(listing, List.of());
      for (JsonObject item : items) {
        String original = item.getString(listing.idField());
        if (allowed.test(l.link(), original)) {
          claims.add(new Federation.Claim(l.link(), original, item));
        }
      }
    }
    Federation.Outcome outcome = Federation.expose(claims, qualifier, kind);
    notes.put(listing, outcome.notes());
    return outcome.exposed().stream().map(e -> new FeatureCatalog.Item(e.name(), e.claim().original(),
        e.claim().link().serverId(), e.claim().link().serverSlug(), e.claim().definition())).toList();
  }
}
