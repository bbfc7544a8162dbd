package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureFeatures;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resources, templates, prompts and completions through a preset of two servers that both offer
 * {@code test://static-text} and {@code test_simple_prompt}, with the official Java SDK client.
 */
class FeatureFederationTest {
  private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
  private static GatewayHarness gw;
  private static HttpFixtureServer full;
  private static HttpFixtureServer other;
  private static HttpFixtureServer toolsOnly;
  private static UpstreamServer fullServer;
  private static UpstreamServer otherServer;
  private static Preset preset;
  private static Preset plain;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("features", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000"));
    full = HttpFixtureServer.withFeatures("full", ConformanceFeatures::all);
    other = HttpFixtureServer.withFeatures("other", json -> new FixtureFeatures(
        // Results naming resources: test://static-text clashes with full's, test://other-only is unique.
        List.of(FixtureTools.tool(json, "links", "Links and embeds resources", "{\"type\":\"object\"}",
            (ex, req) -> McpSchema.CallToolResult.builder()
                .addContent(McpSchema.ResourceLink.builder().uri("test://static-text").name("text").build())
                .addContent(new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("test://static-text",
                    "text/plain", "other's text")))
                .addContent(McpSchema.ResourceLink.builder().uri("test://other-only").name("only").build())
                .isError(false).build())),
        List.of(new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-text").name("other-text")
            .mimeType("text/plain").build(), (ex, req) -> new McpSchema.ReadResourceResult(List.of(
                new McpSchema.TextResourceContents(req.uri(), "text/plain", "other's text")))),
            new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://other-only").name("other-only")
                .mimeType("text/plain").build(), (ex, req) -> new McpSchema.ReadResourceResult(List.of(
                    new McpSchema.TextResourceContents(req.uri(), "text/plain", "only other's"))))),
        List.of(),
        List.of(new SyncPromptSpecification(new McpSchema.Prompt("test_simple_prompt", "other's prompt", List.of()),
            (ex, req) -> new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER,
                new McpSchema.TextContent("from other"))))),
            new SyncPromptSpecification(new McpSchema.Prompt("embedding", "Embeds a resource", List.of()),
                (ex, req) -> new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER,
                    new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("test://static-text",
                        "text/plain", "other's text"))))))),
        List.of(), "Other's own instructions."));
    toolsOnly = HttpFixtureServer.streamable("tools-only", json -> FixtureTools.standard(json, "t:"));
    fullServer = gw.httpServer(GatewayHarness.slug("full"), full.url(), Map.of());
    otherServer = gw.httpServer(GatewayHarness.slug("other"), other.url(), Map.of());
    preset = gw.preset(GatewayHarness.slug("feat"), Visibility.PUBLIC);
    gw.link(preset, fullServer, List.of());
    gw.link(preset, otherServer, List.of());
    plain = gw.preset(GatewayHarness.slug("plain"), Visibility.PUBLIC);
    gw.link(plain, gw.httpServer(GatewayHarness.slug("tools"), toolsOnly.url(), Map.of()), List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    full.close();
    other.close();
    toolsOnly.close();
  }

  private static McpSyncClient client(Preset p, List<List<McpSchema.ResourceContents>> updates) {
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + p.slug()).build();
    McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
        .resourcesUpdateConsumer(updates::add).build();
    client.initialize();
    return client;
  }

  private static String text(McpSchema.ResourceContents contents) {
    return ((McpSchema.TextResourceContents) contents).text();
  }

  @Test
  void initialize_advertises_exactly_what_the_linked_servers_offer_and_federates_their_instructions() {
    try (McpSyncClient client = client(preset, new CopyOnWriteArrayList<>())) {
      McpSchema.ServerCapabilities caps = client.getServerCapabilities();
      assertThat(caps.resources()).isNotNull();
      assertThat(caps.resources().subscribe()).isTrue();
      assertThat(caps.prompts()).isNotNull();
      assertThat(caps.completions()).isNotNull();
      assertThat(client.getServerInstructions()).contains("Tools for " + preset.slug())
          .contains(ConformanceFeatures.INSTRUCTIONS).contains("Other's own instructions.");
    }
    try (McpSyncClient client = client(plain, new CopyOnWriteArrayList<>())) {
      McpSchema.ServerCapabilities caps = client.getServerCapabilities();
      assertThat(caps.tools()).isNotNull();
      assertThat(caps.resources()).isNull();
      assertThat(caps.prompts()).isNull();
      assertThat(caps.completions()).isNull();
      assertThat(client.listPrompts().prompts()).isEmpty();
    }
  }

  @Test
  void a_uri_both_servers_offer_is_wrapped_for_each_and_reads_reach_the_right_server() {
    try (McpSyncClient client = client(preset, new CopyOnWriteArrayList<>())) {
      List<String> uris = client.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
      String fullText = "mcpgw://" + fullServer.slug() + "/test://static-text";
      String otherText = "mcpgw://" + otherServer.slug() + "/test://static-text";
      assertThat(uris).containsExactlyInAnyOrder(fullText, otherText, "test://static-binary", "test://watched-resource",
          "test://other-only");
      McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(otherText));
      assertThat(text(read.contents().get(0))).isEqualTo("other's text");
      assertThat(read.contents().get(0).uri()).isEqualTo(otherText);
      assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(fullText)).contents().get(0)))
          .contains("static text resource");
      // A plain URI offered twice belongs to neither: it is not read from a guessed server.
      assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("test://static-text")))
          .hasMessageContaining("Resource not found");
    }
  }

  @Test
  void resource_links_and_embedded_resources_in_results_name_the_uri_that_reads_them_through_the_preset() {
    String otherText = "mcpgw://" + otherServer.slug() + "/test://static-text";
    try (McpSyncClient client = client(preset, new CopyOnWriteArrayList<>())) {
      List<McpSchema.Content> content = client.callTool(new McpSchema.CallToolRequest("links", Map.of())).content();
      assertThat(((McpSchema.ResourceLink) content.get(0)).uri()).isEqualTo(otherText);
      assertThat(((McpSchema.EmbeddedResource) content.get(1)).resource().uri()).isEqualTo(otherText);
      assertThat(((McpSchema.ResourceLink) content.get(2)).uri()).isEqualTo("test://other-only");
      // the rewritten link reads from the server that returned it, the unique one as it is
      assertThat(text(client.readResource(new McpSchema.ReadResourceRequest(otherText)).contents().get(0)))
          .isEqualTo("other's text");
      assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("test://other-only")).contents().get(0)))
          .isEqualTo("only other's");
      McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest("embedding", Map.of()));
      assertThat(((McpSchema.EmbeddedResource) prompt.messages().get(0).content()).resource().uri()).isEqualTo(otherText);
      // the embedded resource of full's prompt names a URI no server lists: it reaches no server either way, unchanged
      McpSchema.GetPromptResult fulls = client.getPrompt(new McpSchema.GetPromptRequest("test_prompt_with_embedded_resource",
          Map.of("resourceUri", "test://anything")));
      assertThat(((McpSchema.EmbeddedResource) fulls.messages().get(0).content()).resource().uri()).isEqualTo("test://anything");
    }
  }

  @Test
  void an_update_of_a_renamed_resource_reaches_the_subscriber_under_the_uri_it_subscribed() {
    String otherText = "mcpgw://" + otherServer.slug() + "/test://static-text";
    List<List<McpSchema.ResourceContents>> updates = new CopyOnWriteArrayList<>();
    try (McpSyncClient client = client(preset, updates)) {
      client.subscribeResource(new McpSchema.SubscribeRequest(otherText));
      Eventually.await("the upstream subscription", Duration.ofSeconds(10), () -> other.received("resources/subscribe"));
      other.resourceUpdated("test://static-text");
      Eventually.await("the update to reach the subscriber", Duration.ofSeconds(10), () -> !updates.isEmpty());
      // the SDK client reads the updated resource under the notification's URI: it reached the right server
      assertThat(updates.get(0)).singleElement().satisfies(c -> {
        assertThat(c.uri()).isEqualTo(otherText);
        assertThat(text(c)).isEqualTo("other's text");
      });
      client.unsubscribeResource(new McpSchema.UnsubscribeRequest(otherText));
    }
  }

  @Test
  void binary_contents_and_template_reads_pass_through_intact() {
    try (McpSyncClient client = client(preset, new CopyOnWriteArrayList<>())) {
      var blob = (McpSchema.BlobResourceContents) client.readResource(
          new McpSchema.ReadResourceRequest("test://static-binary")).contents().get(0);
      assertThat(blob.blob()).isEqualTo(PNG);
      assertThat(blob.mimeType()).isEqualTo("image/png");
      assertThat(client.listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
          .containsExactly("test://template/{id}/data");
      assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("test://template/123/data")).contents().get(0)))
          .contains("Data for ID: 123");
    }
  }

  @Test
  void prompts_follow_the_tools_collision_rule_and_completions_reach_the_owner() {
    try (McpSyncClient client = client(preset, new CopyOnWriteArrayList<>())) {
      List<String> names = client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
      assertThat(names).contains(fullServer.slug() + "__test_simple_prompt", otherServer.slug() + "__test_simple_prompt",
          "test_prompt_with_arguments", "test_prompt_with_image").doesNotContain("test_simple_prompt");
      McpSchema.GetPromptResult fromOther = client.getPrompt(
          new McpSchema.GetPromptRequest(otherServer.slug() + "__test_simple_prompt", Map.of()));
      assertThat(((McpSchema.TextContent) fromOther.messages().get(0).content()).text()).isEqualTo("from other");
      McpSchema.GetPromptResult withArgs = client.getPrompt(new McpSchema.GetPromptRequest("test_prompt_with_arguments",
          Map.of("arg1", "hello", "arg2", "world")));
      assertThat(((McpSchema.TextContent) withArgs.messages().get(0).content()).text()).contains("hello").contains("world");
      McpSchema.CompleteResult completed = client.completeCompletion(new McpSchema.CompleteRequest(
          new McpSchema.PromptReference("test_prompt_with_arguments"), new McpSchema.CompleteRequest.CompleteArgument("arg1", "pa")));
      assertThat(completed.completion().values()).containsExactly("paris", "park", "party");
      McpSchema.CompleteResult ids = client.completeCompletion(new McpSchema.CompleteRequest(
          new McpSchema.ResourceReference("test://template/{id}/data"), new McpSchema.CompleteRequest.CompleteArgument("id", "12")));
      assertThat(ids.completion().values()).containsExactly("123", "124");
    }
  }

  @Test
  void a_resource_update_reaches_exactly_the_sessions_that_subscribed() {
    List<List<McpSchema.ResourceContents>> subscribed = new CopyOnWriteArrayList<>();
    List<List<McpSchema.ResourceContents>> bystander = new CopyOnWriteArrayList<>();
    try (McpSyncClient one = client(preset, subscribed); McpSyncClient two = client(preset, bystander)) {
      one.subscribeResource(new McpSchema.SubscribeRequest("test://watched-resource"));
      Eventually.await("the upstream subscription", Duration.ofSeconds(10), () -> full.received("resources/subscribe"));
      full.resourceUpdated("test://watched-resource");
      Eventually.await("the update to reach the subscriber", Duration.ofSeconds(10), () -> !subscribed.isEmpty());
      assertThat(subscribed.get(0)).extracting(McpSchema.ResourceContents::uri).containsExactly("test://watched-resource");
      one.unsubscribeResource(new McpSchema.UnsubscribeRequest("test://watched-resource"));
      Eventually.await("the upstream unsubscription", Duration.ofSeconds(10), () -> full.received("resources/unsubscribe"));
      // Two never subscribed; a ping round trip on its session shows nothing was queued for it.
      two.ping();
      assertThat(bystander).isEmpty();
    }
  }

  @Test
  void a_links_prompt_and_resource_allow_lists_hide_the_rest_from_listing_and_reading() {
    Preset picky = gw.preset(GatewayHarness.slug("picky"), Visibility.PUBLIC);
    gw.presets.upsertLink(gw.pool, picky.id(), fullServer.id(), true, List.of(), List.of("test_simple_prompt"),
        List.of("test://static-binary", "test://template/{id}/data")).await();
    try (McpSyncClient client = client(picky, new CopyOnWriteArrayList<>())) {
      assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactly("test_simple_prompt");
      assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("test_prompt_with_arguments",
          Map.of("arg1", "a", "arg2", "b")))).hasMessageContaining("Unknown prompt");
      assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri)
          .containsExactly("test://static-binary");
      assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("test://static-text")))
          .hasMessageContaining("Resource not found");
      assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("test://template/7/data")).contents().get(0)))
          .contains("Data for ID: 7");
      // Tools were not restricted: all of them are there.
      assertThat(client.listTools().tools()).isNotEmpty();
    }
  }
}
