package io.mcpgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CatalogBuilderTest {
  private static final UUID A = UUID.randomUUID();
  private static final UUID B = UUID.randomUUID();

  private static Preset preset(PresetStatus status, PresetServer... links) {
    return new Preset(UUID.randomUUID(), "p-one", "P", null, Visibility.PUBLIC, status, null, UUID.randomUUID(), null,
        null, null, List.of(links));
  }

  private static List<JsonObject> tools(String... names) {
    List<JsonObject> out = new ArrayList<>();
    for (String n : names) {
      out.add(new JsonObject().put("name", n).put("description", n + " tool").put("inputSchema", new JsonObject()));
    }
    return out;
  }

  @Test
  void a_name_two_servers_offer_is_exposed_under_each_servers_name_and_notes_explain_it() {
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH),
        new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1)));
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tools("search", "fetch"), B, tools("search", "write")), List.of());
    assertThat(c.tools()).extracting(ExposedTool::name).containsExactly("alpha__search", "beta__search", "fetch", "write");
    assertThat(c.find("search")).isEmpty();
    assertThat(c.find("alpha__search").orElseThrow().serverId()).isEqualTo(A);
    assertThat(c.find("beta__search").orElseThrow().originalName()).isEqualTo("search");
    assertThat(c.find("beta__search").orElseThrow().toMcp().getString("name")).isEqualTo("beta__search");
    assertThat(c.notes()).hasSize(2).allSatisfy(n -> assertThat(n.reason()).contains("also offers"));
  }

  @Test
  void a_name_never_moves_to_another_server_when_an_earlier_server_adds_it() {
    PresetServer alpha = new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH);
    PresetServer beta = new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1));
    Preset p = preset(PresetStatus.ACTIVE, alpha, beta);
    ToolCatalog before = CatalogBuilder.build(p, Map.of(A, tools("fetch"), B, tools("search")), List.of());
    assertThat(before.find("search").orElseThrow().serverId()).isEqualTo(B);
    // alpha (linked first) later adds "search": the plain name is gone rather than silently owned by alpha.
    ToolCatalog after = CatalogBuilder.build(p, Map.of(A, tools("fetch", "search"), B, tools("search")), List.of());
    assertThat(after.find("search")).isEmpty();
    assertThat(after.find("beta__search").orElseThrow().serverId()).isEqualTo(B);
  }

  @Test
  void a_qualified_name_claimed_twice_is_exposed_for_no_one_and_names_stay_within_128_characters() {
    PresetServer alpha = new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH);
    PresetServer beta = new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1));
    Preset p = preset(PresetStatus.ACTIVE, alpha, beta);
    String longName = "t".repeat(125);
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tools("x", longName), B, tools("x", "alpha__x", longName)), List.of());
    assertThat(c.find("alpha__x")).isEmpty();
    assertThat(c.find("beta__x").orElseThrow().serverId()).isEqualTo(B);
    assertThat(c.tools()).allSatisfy(t -> assertThat(t.name().length()).isLessThanOrEqualTo(128));
    assertThat(c.tools()).filteredOn(t -> t.originalName().equals(longName)).hasSize(2)
        .extracting(ExposedTool::name).doesNotHaveDuplicates();
    assertThat(c.notes()).anySatisfy(n -> assertThat(n.reason()).contains("hidden"));
  }

  @Test
  void tools_that_require_tasks_are_not_listed_and_optional_task_support_is_not_advertised() {
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH));
    List<JsonObject> tools = tools("plain", "may", "must");
    tools.get(1).put("execution", new JsonObject().put("taskSupport", "optional"));
    tools.get(2).put("execution", new JsonObject().put("taskSupport", "required"));
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tools), List.of());
    assertThat(c.tools()).extracting(ExposedTool::name).containsExactly("may", "plain");
    assertThat(c.find("may").orElseThrow().toMcp().containsKey("execution")).isFalse();
    assertThat(c.notes()).singleElement().satisfies(n -> assertThat(n.reason()).contains("requires tasks"));
  }

  @Test
  void a_task_servers_tools_keep_their_task_support_and_the_view_without_tasks_drops_it() {
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH),
        new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1)));
    List<JsonObject> tasked = tools("plain", "may", "must");
    tasked.get(1).put("execution", new JsonObject().put("taskSupport", "optional"));
    tasked.get(2).put("execution", new JsonObject().put("taskSupport", "required"));
    List<JsonObject> other = tools("only");
    other.get(0).put("execution", new JsonObject().put("taskSupport", "required"));
    JsonObject tasks = new JsonObject().put("list", new JsonObject()).put("cancel", new JsonObject())
        .put("requests", new JsonObject().put("tools", new JsonObject().put("call", new JsonObject())));
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tasked, B, other), List.of(), Map.of(A, tasks));
    assertThat(c.tools()).extracting(ExposedTool::name).containsExactly("may", "must", "plain");
    assertThat(c.find("must").orElseThrow().toMcp().getJsonObject("execution").getString("taskSupport")).isEqualTo("required");
    assertThat(c.relaysTasks(A)).isTrue();
    assertThat(c.relaysTasks(B)).isFalse();
    assertThat(c.tasksCapability()).as("never list: the gateway cannot tell whose task an upstream lists")
        .isEqualTo(new JsonObject().put("cancel", new JsonObject())
            .put("requests", new JsonObject().put("tools", new JsonObject().put("call", new JsonObject()))));

    ToolCatalog plain = c.withoutTasks();
    assertThat(plain.tools()).extracting(ExposedTool::name).containsExactly("may", "plain");
    assertThat(plain.find("may").orElseThrow().toMcp().containsKey("execution")).isFalse();
    assertThat(plain.relaysTasks(A)).isFalse();
    assertThat(plain.tasksCapability()).isNull();
    assertThat(CatalogBuilder.build(p, Map.of(B, other), List.of()).tasksCapability()).isNull();
  }

  @Test
  void a_cursor_from_a_catalog_that_changed_since_is_refused() {
    String[] names = new String[150];
    for (int i = 0; i < names.length; i++) {
      names[i] = String.format("tool_%03d", i);
    }
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH));
    String cursor = CatalogBuilder.build(p, Map.of(A, tools(names)), List.of()).page(null).nextCursor().orElseThrow();
    String[] more = java.util.Arrays.copyOf(names, 151);
    more[150] = "tool_aaa";
    ToolCatalog changed = CatalogBuilder.build(p, Map.of(A, tools(more)), List.of());
    assertThatThrownBy(() -> changed.page(cursor))
        .isInstanceOfSatisfying(io.mcpgateway.model.GatewayException.class,
            e -> assertThat(e.code().jsonRpcCode()).isEqualTo(-32602))
        .hasMessageContaining("changed");
  }

  @Test
  void allow_lists_disabled_links_and_inactive_presets_limit_what_is_exposed() {
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of("fetch"), Instant.EPOCH),
        new PresetServer(B, "beta", false, List.of(), Instant.EPOCH.plusSeconds(1)));
    assertThat(CatalogBuilder.build(p, Map.of(A, tools("search", "fetch"), B, tools("write")), List.of()).tools())
        .extracting(ExposedTool::name).containsExactly("fetch");
    Preset off = preset(PresetStatus.DISABLED, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH));
    assertThat(CatalogBuilder.build(off, Map.of(A, tools("search")), List.of()).tools()).isEmpty();
  }

  @Test
  void pages_have_at_most_100_tools_and_opaque_cursors() {
    String[] names = new String[250];
    for (int i = 0; i < names.length; i++) {
      names[i] = String.format("tool_%03d", i);
    }
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH));
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tools(names)), List.of());
    ToolCatalog.Page first = c.page(null);
    assertThat(first.tools()).hasSize(100);
    ToolCatalog.Page second = c.page(first.nextCursor().orElseThrow());
    assertThat(second.tools().get(0).name()).isEqualTo("tool_100");
    ToolCatalog.Page third = c.page(second.nextCursor().orElseThrow());
    assertThat(third.tools()).hasSize(50);
    assertThat(third.nextCursor()).isEmpty();
    assertThatThrownBy(() -> c.page("not-a-cursor")).hasMessageContaining("cursor");
  }
}
