package io.mcpgateway.gateway.catalog;

import io.mcpgateway.gateway.upstream.Listing;
import io.mcpgateway.gateway.upstream.ServerOffer;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.UriTemplates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything but tools that a preset offers, federated from its linked servers: prompts, resources, resource
 * templates (named by {@link Federation}'s rule), the union of the servers' capabilities, their instructions,
 * and the routes from an exposed prompt name or resource URI back to (server, original). Immutable.
 */
public final class FeatureCatalog {
  /** A prompt, resource or template as exposed: its exposed name or URI, and where it comes from. */
  public record Item(String name, String original, UUID serverId, String serverSlug, JsonObject definition) {
    /** The MCP object clients see: the upstream's definition under the exposed name or URI. */
    public JsonObject toMcp(String idField) {
      return definition.copy().put(idField, name);
    }
  }

  /** Where a request for an exposed item goes: the server and the name or URI the server knows. */
  public record Route(UUID serverId, String serverSlug, String original) {}

  /** A linked, active server that answered {@code initialize}, in link order. */
  public record Linked(PresetServer link, ServerOffer offer) {}

  private final List<Linked> linked;
  private final List<Item> prompts;
  private final List<Item> resources;
  private final List<Item> templates;
  private final Map<Listing, List<ToolCatalog.Note>> notes;
  private final List<ToolCatalog.Unavailable> unavailable;
  private final Map<String, Item> promptsByName = new HashMap<>();
  private final Map<String, Item> resourcesByUri = new HashMap<>();
  private final Map<String, Item> templatesByUri = new HashMap<>();
  private final List<Map.Entry<Pattern, Item>> templatePatterns = new ArrayList<>();
  private final String promptsFingerprint;
  private final String resourcesFingerprint;
  private final String templatesFingerprint;

  FeatureCatalog(List<Linked> linked, List<Item> prompts, List<Item> resources, List<Item> templates,
      Map<Listing, List<ToolCatalog.Note>> notes, List<ToolCatalog.Unavailable> unavailable) {
    this.linked = List.copyOf(linked);
    this.prompts = sorted(prompts);
    this.resources = sorted(resources);
    this.templates = sorted(templates);
    this.notes = Map.copyOf(notes);
    this.unavailable = List.copyOf(unavailable);
    this.prompts.forEach(p -> promptsByName.put(p.name(), p));
    this.resources.forEach(r -> resourcesByUri.put(r.name(), r));
    this.templates.forEach(t -> {
      templatesByUri.put(t.name(), t);
      templatePatterns.add(Map.entry(UriTemplates.pattern(t.name()), t));
    });
    this.promptsFingerprint = fingerprint(this.prompts);
    this.resourcesFingerprint = fingerprint(this.resources);
    this.templatesFingerprint = fingerprint(this.templates);
  }

  public List<Item> prompts() {
    return prompts;
  }

  public List<Item> resources() {
    return resources;
  }

  public List<Item> templates() {
    return templates;
  }

  /** The renamed and hidden items of one list (prompts, resources or resource templates). */
  public List<ToolCatalog.Note> notes(Listing listing) {
    return notes.getOrDefault(listing, List.of());
  }

  public List<ToolCatalog.Unavailable> unavailable() {
    return unavailable;
  }

  public boolean complete() {
    return unavailable.isEmpty();
  }

  public List<Linked> linked() {
    return linked;
  }

  public Pages.Page<Item> promptsPage(String cursor) {
    return Pages.page("prompts", promptsFingerprint, prompts, cursor);
  }

  public Pages.Page<Item> resourcesPage(String cursor) {
    return Pages.page("resources", resourcesFingerprint, resources, cursor);
  }

  public Pages.Page<Item> templatesPage(String cursor) {
    return Pages.page("templates", templatesFingerprint, templates, cursor);
  }

  public Optional<Item> prompt(String exposedName) {
    return Optional.ofNullable(promptsByName.get(exposedName));
  }

  /**
   * The server a resource URI is read from: a listed URI → its owner; {@code mcpgw://{slug}/{uri}} → that linked
   * server with the inner URI; a URI matching an exposed (unqualified) template → the template's owner; otherwise,
   * when exactly one linked server offers resources, that one (servers may serve URIs they do not list, e.g. links
   * in tool results). Empty when the URI cannot be attributed or the link's allow-list hides it.
   */
  public Optional<Route> resource(String uri) {
    Item listed = resourcesByUri.get(uri);
    if (listed != null) {
      return Optional.of(route(listed));
    }
    String[] wrapped = Federation.unwrap(uri);
    if (wrapped != null) {
      return linked.stream().filter(l -> l.link().serverSlug().equals(wrapped[0]) && l.offer().offers("resources")
              && l.link().allowsResource(wrapped[1]))
          .findFirst().map(l -> new Route(l.link().serverId(), l.link().serverSlug(), wrapped[1]));
    }
    for (var t : templatePatterns) {
      if (t.getValue().name().equals(t.getValue().original()) && t.getKey().matcher(uri).matches()) {
        return Optional.of(new Route(t.getValue().serverId(), t.getValue().serverSlug(), uri));
      }
    }
    List<Linked> withResources = linked.stream().filter(l -> l.offer().offers("resources")).toList();
    return withResources.size() == 1 && withResources.get(0).link().allowsResource(uri)
        ? Optional.of(new Route(withResources.get(0).link().serverId(), withResources.get(0).link().serverSlug(), uri))
        : Optional.empty();
  }

  /**
   * The URI under which a client reads {@code uri} of the server {@code serverId} through the preset (for URIs in
   * that server's results): {@code mcpgw://{slug}/{uri}} when the naming rule renamed it (a clash, as a resource or
   * through a template) or when the plain URI would reach another server; otherwise the URI itself (it is unique,
   * or reaches no server either way).
   */
  public String exposedUri(UUID serverId, String uri) {
    Optional<Route> plain = resource(uri);
    if (plain.filter(r -> r.serverId().equals(serverId) && r.original().equals(uri)).isPresent()) {
      return uri;
    }
    Optional<Linked> owner = linked.stream().filter(l -> l.link().serverId().equals(serverId)).findFirst();
    if (owner.isEmpty()) {
      return uri;
    }
    String wrapped = Federation.URIS.qualify(owner.get().link().serverSlug(), uri);
    boolean renamed = resourcesByUri.containsKey(wrapped) || templatePatterns.stream().anyMatch(t ->
        t.getValue().serverId().equals(serverId) && !t.getValue().name().equals(t.getValue().original())
            && t.getKey().matcher(wrapped).matches());
    return (renamed || plain.isPresent()) && resource(wrapped).isPresent() ? wrapped : uri;
  }

  /** A {@code ref/resource} of completion/complete names a template (or a resource) by its exposed URI. */
  public Optional<Route> template(String uri) {
    Item t = templatesByUri.get(uri);
    return t != null ? Optional.of(route(t)) : resource(uri);
  }

  public Optional<ServerOffer> offer(UUID serverId) {
    return linked.stream().filter(l -> l.link().serverId().equals(serverId)).map(Linked::offer).findFirst();
  }

  /**
   * initialize's capabilities: the union of what the linked servers offer. Tools and logging are the gateway's
   * own (it federates tools and filters log levels itself); list_changed is sent by the gateway for every list it
   * advertises (preset edits change them too).
   */
  public JsonObject capabilities() {
    JsonObject caps = new JsonObject().put("tools", new JsonObject().put("listChanged", true)).put("logging", new JsonObject());
    if (linked.stream().anyMatch(l -> l.offer().offers("prompts"))) {
      caps.put("prompts", new JsonObject().put("listChanged", true));
    }
    if (linked.stream().anyMatch(l -> l.offer().offers("resources"))) {
      JsonObject resources = new JsonObject().put("listChanged", true);
      if (linked.stream().anyMatch(l -> l.offer().subscribable())) {
        resources.put("subscribe", true);
      }
      caps.put("resources", resources);
    }
    if (linked.stream().anyMatch(l -> l.offer().offers("completions"))) {
      caps.put("completions", new JsonObject());
    }
    return caps;
  }

  /** The servers' own instructions, each under its server's slug, after the preset's description. */
  public String instructions(Preset preset) {
    StringBuilder out = new StringBuilder();
    if (preset.description() != null && !preset.description().isBlank()) {
      out.append(preset.description().strip());
    }
    for (Linked l : linked) {
      String own = l.offer().instructions();
      if (own != null && !own.isBlank()) {
        if (out.length() > 0) {
          out.append("\n\n");
        }
        String text = own.strip();
        out.append("Server \"").append(l.link().serverSlug()).append("\":\n")
            .append(text.length() > 4000 ? text.substring(0, 4000) + " [...]" : text);
      }
    }
    return out.toString();
  }

  /**
   * Management's view (mgw.preset.features): each list as clients see it, every item with its original name or URI
   * and its server, the renamed and hidden items of each list, and the servers that could not be listed.
   */
  public JsonObject toJson() {
    JsonObject notesJson = new JsonObject();
    JsonObject out = new JsonObject();
    for (var list : List.of(Map.entry(Listing.PROMPTS, prompts), Map.entry(Listing.RESOURCES, resources),
        Map.entry(Listing.RESOURCE_TEMPLATES, templates))) {
      Listing listing = list.getKey();
      String original = "original" + Character.toUpperCase(listing.idField().charAt(0)) + listing.idField().substring(1);
      out.put(listing.resultKey(), new JsonArray(list.getValue().stream().map(i -> i.toMcp(listing.idField())
          .put(original, i.original()).put("serverId", i.serverId().toString()).put("serverSlug", i.serverSlug())).toList()));
      notesJson.put(listing.resultKey(), new JsonArray(notes(listing).stream().map(ToolCatalog.Note::toJson).toList()));
    }
    return out.put("notes", notesJson)
        .put("unavailable", new JsonArray(unavailable.stream().map(ToolCatalog.Unavailable::toJson).toList()));
  }

  private static Route route(Item item) {
    return new Route(item.serverId(), item.serverSlug(), item.original());
  }

  private static List<Item> sorted(List<Item> items) {
    List<Item> out = new ArrayList<>(items);
    out.sort(Comparator.comparing(Item::name));
    return List.copyOf(out);
  }

  private static String fingerprint(List<Item> items) {
    return Pages.fingerprint(items.stream().map(i -> i.name() + " " + i.serverId()).toList());
  }
}
