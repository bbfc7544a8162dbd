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
  void the_later_link_gets_the_server_prefixed_name_and_notes_explain_it() {
    Preset p = preset(PresetStatus.ACTIVE, new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH),
        new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1)));
    ToolCatalog c = CatalogBuilder.build(p, Map.of(A, tools("search", "fetch"), B, tools("search", "write")), List.of());
    assertThat(c.tools()).extracting(ExposedTool::name).containsExactly("beta__search", "fetch", "search", "write");
    assertThat(c.find("search").orElseThrow().serverId()).isEqualTo(A);
    assertThat(c.find("beta__search").orElseThrow().originalName()).isEqualTo("search");
    assertThat(c.find("beta__search").orElseThrow().toMcp().getString("name")).isEqualTo("beta__search");
    assertThat(c.notes()).singleElement().satisfies(n -> assertThat(n.reason()).contains("already exposed"));
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
