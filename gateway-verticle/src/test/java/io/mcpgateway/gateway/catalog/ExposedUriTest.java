package io.mcpgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.upstream.Listing;
import io.mcpgateway.gateway.upstream.ServerOffer;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link FeatureCatalog#exposedUri}: the URI a client reads a resource named in a server's result under. */
class ExposedUriTest {
  private static final UUID A = UUID.randomUUID();
  private static final UUID B = UUID.randomUUID();
  private static final UUID TOOLS = UUID.randomUUID();
  private static final ServerOffer RESOURCES = new ServerOffer(new JsonObject().put("resources", new JsonObject()), null,
      new JsonObject());

  private static FeatureCatalog catalog(Map<UUID, Map<Listing, List<JsonObject>>> lists) {
    PresetServer alpha = new PresetServer(A, "alpha", true, List.of(), Instant.EPOCH);
    PresetServer beta = new PresetServer(B, "beta", true, List.of(), Instant.EPOCH.plusSeconds(1));
    PresetServer tools = new PresetServer(TOOLS, "tools", true, List.of(), Instant.EPOCH.plusSeconds(2));
    Preset preset = new Preset(UUID.randomUUID(), "p-uris", "P", null, Visibility.PUBLIC, PresetStatus.ACTIVE, null,
        UUID.randomUUID(), null, null, null, List.of(alpha, beta, tools));
    return FeatureCatalogBuilder.build(preset, List.of(new FeatureCatalog.Linked(alpha, RESOURCES),
        new FeatureCatalog.Linked(beta, RESOURCES), new FeatureCatalog.Linked(tools, new ServerOffer(
            new JsonObject().put("tools", new JsonObject()), null, new JsonObject()))), lists, List.of());
  }

  private static List<JsonObject> resources(String... uris) {
    return java.util.Arrays.stream(uris).map(u -> new JsonObject().put("uri", u).put("name", u)).toList();
  }

  private static List<JsonObject> templates(String... uris) {
    return java.util.Arrays.stream(uris).map(u -> new JsonObject().put("uriTemplate", u).put("name", u)).toList();
  }

  @Test
  void a_clashing_uri_is_wrapped_for_its_server_and_a_unique_one_is_left_alone() {
    FeatureCatalog c = catalog(Map.of(A, Map.of(Listing.RESOURCES, resources("file:///shared", "file:///mine")),
        B, Map.of(Listing.RESOURCES, resources("file:///shared"))));
    assertThat(c.exposedUri(A, "file:///shared")).isEqualTo("mcpgw://alpha/file:///shared");
    assertThat(c.exposedUri(B, "file:///shared")).isEqualTo("mcpgw://beta/file:///shared");
    assertThat(c.exposedUri(A, "file:///mine")).isEqualTo("file:///mine");
    // every exposed URI reads back from the server that named it
    assertThat(c.resource(c.exposedUri(B, "file:///shared")).orElseThrow().serverId()).isEqualTo(B);
  }

  @Test
  void a_uri_that_would_reach_another_server_is_wrapped_for_the_server_that_named_it() {
    FeatureCatalog c = catalog(Map.of(A, Map.of(Listing.RESOURCES, resources("file:///a-only")),
        B, Map.of(Listing.RESOURCE_TEMPLATES, templates("db://{table}"))));
    assertThat(c.exposedUri(B, "file:///a-only")).isEqualTo("mcpgw://beta/file:///a-only");
    assertThat(c.exposedUri(A, "db://users")).isEqualTo("mcpgw://alpha/db://users");
    assertThat(c.exposedUri(B, "db://users")).isEqualTo("db://users");
  }

  @Test
  void a_uri_matching_a_clashing_template_is_wrapped() {
    FeatureCatalog c = catalog(Map.of(A, Map.of(Listing.RESOURCE_TEMPLATES, templates("db://{table}")),
        B, Map.of(Listing.RESOURCE_TEMPLATES, templates("db://{table}"))));
    assertThat(c.exposedUri(A, "db://users")).isEqualTo("mcpgw://alpha/db://users");
    assertThat(c.resource("mcpgw://alpha/db://users").orElseThrow().original()).isEqualTo("db://users");
  }

  @Test
  void a_uri_no_server_can_be_reached_by_stays_as_the_server_wrote_it() {
    FeatureCatalog c = catalog(Map.of(A, Map.of(Listing.RESOURCES, resources("file:///a")),
        B, Map.of(Listing.RESOURCES, resources("file:///b"))));
    // not listed and two servers offer resources: no server gets it either way (it may be a plain web link)
    assertThat(c.exposedUri(A, "https://example.com/page")).isEqualTo("https://example.com/page");
    // a server offering no resources cannot be read from through the preset at all
    assertThat(c.exposedUri(TOOLS, "file:///a")).isEqualTo("file:///a");
  }
}
