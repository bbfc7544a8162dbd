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
  private final Map<UUID, JsonObject> taskServers;
  private ToolCatalog withoutTasks;

  ToolCatalog(List<ExposedTool> tools, List<Note> notes, List<Unavailable> unavailable) {
    this(tools, notes, unavailable, Map.of());
  }

  ToolCatalog(List<ExposedTool> tools, List<Note> notes, List<Unavailable> unavailable, Map<UUID, JsonObject> taskServers) {
    this.tools = List.copyOf(tools);
    this.notes = List.copyOf(notes);
    this.unavailable = List.copyOf(unavailable);
    this.taskServers = Map.copyOf(taskServers);
    tools.forEach(t -> byName.put(t.name(), t));
    this.fingerprint = Pages.fingerprint(tools.stream().map(t -> t.name() + " " + t.serverId()).toList());
  }

  /** Whether the gateway relays tasks of this server (see {@link CatalogBuilder#build}). */
  public boolean relaysTasks(UUID serverId) {
    return taskServers.containsKey(serverId);
  }

  /**
   * The preset's {@code tasks} server capability (2025-11-25), or null: {@code requests.tools.call} when some task
   * server offers it, {@code cancel} when some also offers {@code tasks/cancel}. Never {@code list}: a task
   * server's list holds every task of the upstream session, which the gateway shares between callers, so it
   * cannot show a caller only its own (tasks §Security Considerations).
   */
  public JsonObject tasksCapability() {
    if (taskServers.isEmpty()) {
      return null;
    }
    JsonObject tasks = new JsonObject();
    if (taskServers.values().stream().anyMatch(t -> t.getValue("cancel") instanceof JsonObject)) {
      tasks.put("cancel", new JsonObject());
    }
    return tasks.put("requests", new JsonObject().put("tools", new JsonObject().put("call", new JsonObject())));
  }

  /**
   * The same tools for a client that gets no tasks (MCP 2026-07-28 moved them into an extension the gateway does
   * not offer): tools requiring tasks left out, {@code taskSupport} dropped, task servers none. Its pages have
   * their own cursors.
   */
  public ToolCatalog withoutTasks() {
    if (taskServers.isEmpty()) {
      return this;
    }
    if (withoutTasks == null) {
      List<ExposedTool> plain = tools.stream().filter(t -> !requiresTask(t.definition()))
          .map(t -> new ExposedTool(t.name(), t.originalName(), t.serverId(), t.serverSlug(), withoutTaskSupport(t.definition())))
          .toList();
      withoutTasks = new ToolCatalog(plain, notes, unavailable);
    }
    return withoutTasks;
  }

  /** {@code execution.taskSupport} is {@code required} (MCP 2025-11-25 tools §Tool). */
  static boolean requiresTask(JsonObject tool) {
    return tool.getValue("execution") instanceof JsonObject e && "required".equals(e.getValue("taskSupport"));
  }

  /** The tool without {@code execution.taskSupport} (and without an {@code execution} left empty). */
  static JsonObject withoutTaskSupport(JsonObject tool) {
    if (!(tool.getValue("execution") instanceof JsonObject e) || !e.containsKey("taskSupport")) {
      return tool;
    }
    JsonObject copy = tool.copy();
    copy.getJsonObject("execution").remove("taskSupport");
    if (copy.getJsonObject("execution").isEmpty()) {
      copy.remove("execution");
    }
    return copy;
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
