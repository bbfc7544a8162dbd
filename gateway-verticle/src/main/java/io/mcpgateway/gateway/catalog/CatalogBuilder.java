package io.mcpgateway.gateway.catalog;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The preset's tools (ARCHITECTURE.md §5): for each enabled link, the upstream's tools allowed by the link,
 * named by {@link Federation}'s rule (a name offered by two servers is exposed as {@code {serverSlug}__{tool}}
 * for both). Deterministic for the same inputs.
 */
public final class CatalogBuilder {
  public static final String SEPARATOR = Federation.SEPARATOR;

  private CatalogBuilder() {}

  public static ToolCatalog build(Preset preset, Map<UUID, List<JsonObject>> toolsByServer,
      List<ToolCatalog.Unavailable> unavailable) {
    return build(preset, toolsByServer, unavailable, Map.of());
  }

  /**
   * {@code taskServers}: the linked servers whose tasks the gateway relays (MCP 2025-11-25 tasks: a Streamable
   * HTTP server declaring {@code tasks.requests.tools.call}), each with its {@code tasks} capability. Their tools
   * keep {@code execution.taskSupport}; of the others a tool requiring tasks is hidden (a client may not call it
   * as a task there) and {@code optional} is dropped.
   */
  public static ToolCatalog build(Preset preset, Map<UUID, List<JsonObject>> toolsByServer,
      List<ToolCatalog.Unavailable> unavailable, Map<UUID, JsonObject> taskServers) {
    List<Federation.Claim> claims = new ArrayList<>();
    List<ToolCatalog.Note> taskNotes = new ArrayList<>();
    if (preset.active()) {
      for (PresetServer link : preset.servers()) {
        List<JsonObject> tools = toolsByServer.get(link.serverId());
        if (!link.enabled() || tools == null) {
          continue;
        }
        for (JsonObject tool : tools) {
          String original = tool.getString("name");
          if (!link.allows(original)) {
            continue;
          }
          // MCP 2025-11-25 tasks: relayed only for task servers; elsewhere a tool that can only run as a task is
          // not listed, and one that may is offered as a plain tool (the call runs to completion).
          if (!taskServers.containsKey(link.serverId())) {
            if (ToolCatalog.requiresTask(tool)) {
              taskNotes.add(new ToolCatalog.Note(null, original, link.serverSlug(), "hidden: the tool requires tasks "
                  + "(execution.taskSupport = required), which the gateway relays only from Streamable HTTP servers "
                  + "declaring tasks.requests.tools.call"));
              continue;
            }
            tool = ToolCatalog.withoutTaskSupport(tool);
          }
          claims.add(new Federation.Claim(link, original, tool));
        }
      }
    }
    Federation.Outcome outcome = Federation.expose(claims, Federation.NAMES, "tool");
    List<ExposedTool> exposed = new ArrayList<>();
    for (Federation.Exposed e : outcome.exposed()) {
      exposed.add(new ExposedTool(e.name(), e.claim().original(), e.claim().link().serverId(),
          e.claim().link().serverSlug(), e.claim().definition()));
    }
    exposed.sort(Comparator.comparing(ExposedTool::name));
    List<ToolCatalog.Note> notes = new ArrayList<>(outcome.notes());
    notes.addAll(taskNotes);
    return new ToolCatalog(exposed, notes, unavailable, taskServers);
  }
}
