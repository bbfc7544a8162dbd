package io.mcpgateway.gateway.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The tools a preset exposes, sorted by exposed name, with the notes of renamed tools and the servers that
 * could not be listed. Immutable; rebuilt when the preset or an upstream's tool list changes.
 */
public final class ToolCatalog {
  public static final int PAGE_SIZE = Pages.PAGE_SIZE;

  /** A tool exposed under another name because its original name was taken. */
  public record Note(String name, String originalName, String serverSlug, String reason) {
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("originalName", originalName).put("serverSlug", serverSlug)
          .put("reason", reason);
    }
  }

  /** A linked server whose tools could not be listed (it is down or its circuit is open). */
  public record Unavailable(UUID serverId, String serverSlug, String error) {
    public JsonObject toJson() {
      return new JsonObject().put("serverId", serverId.toString()).put("serverSlug", serverSlug).put("error", error);
    }
  }

  public record Page(List<ExposedTool> tools, Optional<String> nextCursor) {}

  private final List<ExposedTool> tools;
  private final Map<String, ExposedTool> byName = new HashMap<>();
  private final List<Note> notes;
  private final List<Unavailable> unavailable;
  private final String fingerprint;

  ToolCatalog(List<ExposedTool> tools, List<Note> notes, List<Unavailable> unavailable) {
    this.tools = List.copyOf(tools);
    this.notes = List.copyOf(notes);
    this.unavailable = List.copyOf(unavailable);
    tools.forEach(t -> byName.put(t.name(), t));
    this.fingerprint = Pages.fingerprint(tools.stream().map(t -> t.name() + " " + t.serverId()).toList());
  }

  public List<ExposedTool> tools() {
    return tools;
  }

  public Optional<ExposedTool> find(String exposedName) {
    return Optional.ofNullable(byName.get(exposedName));
  }

  public List<Note> notes() {
    return notes;
  }

  public List<Unavailable> unavailable() {
    return unavailable;
  }

  /** Complete when every linked server answered; incomplete catalogs are not cached for long. */
  public boolean complete() {
    return unavailable.isEmpty();
  }

  /** One page of {@code tools/list} (MCP server/utilities/pagination: the cursor is opaque and tied to this catalog). */
  public Page page(String cursor) {
    Pages.Page<ExposedTool> page = Pages.page("tools", fingerprint, tools, cursor);
    return new Page(page.items(), page.nextCursor());
  }

  public JsonObject toJson() {
    var list = new JsonArray();
    tools.forEach(t -> list.add(new JsonObject().put("name", t.name()).put("originalName", t.originalName())
        .put("serverId", t.serverId().toString()).put("serverSlug", t.serverSlug())
        .put("description", t.definition().getString("description"))));
    return new JsonObject().put("tools", list).put("notes", new JsonArray(notes.stream().map(Note::toJson).toList()))
        .put("unavailable", new JsonArray(unavailable.stream().map(Unavailable::toJson).toList()));
  }
}
