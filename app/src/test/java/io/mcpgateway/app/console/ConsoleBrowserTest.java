package io.mcpgateway.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.app.Node;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (headless Debian chromium) against a started node: sign in with a key,
 * register an upstream, build a preset from two of its tools, see the federated list, call a tool through
 * /mcp/{slug} with the MCP SDK client and watch the call arrive on the usage chart; a non-admin sees only
 * their own presets; the pages fit 390 px and 1280 px windows.
 */
class ConsoleBrowserTest {
  private static final String ADMIN = "console-admin-" + UUID.randomUUID();

  @RegisterExtension
  static final Browser browser = new Browser();

  private static Node node;
  private static String schema;
  private static Path dataDir;
  private static HttpFixtureServer upstream;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    schema = TestServices.freshSchema("console");
    dataDir = Files.createTempDirectory("mgw-console-");
    node = Node.start(new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0").put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dataDir.toString())
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema).put("MGW_ADMIN_API_KEY", ADMIN)
        .put("MGW_PUBLIC_URL", "https://mcp.example.test"));
    upstream = HttpFixtureServer.streamable("console");
  }

  @AfterAll
  static void stop() {
    browser.close();
    if (upstream != null) {
      upstream.close();
    }
    if (node != null) {
      node.stop();
    }
    TestServices.dropSchema(schema);
  }

  private static String console() {
    return "http://127.0.0.1:" + node.managementPort() + "/";
  }

  private static By id(String id) {
    return By.id(id);
  }

  private static void type(WebElement input, String text) {
    input.clear();
    input.sendKeys(text);
  }

  @Test
  void an_admin_builds_a_preset_hands_it_to_a_client_and_watches_the_call_on_the_chart() throws Exception {
    // Sign in through the /#key= link: the key leaves the address bar at once and stays in this tab's storage.
    browser.size(1280, 900);
    browser.open(console() + "#key=" + ADMIN);
    browser.visible(id("who-name"));
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(ADMIN).endsWith("#/presets");
    assertThat(browser.js("return window.history.length")).isNotNull();
    assertThat(browser.js("return document.cookie")).isEqualTo("");
    browser.shot("presets");

    // Register the upstream and test the connection: its live tool list.
    String serverSlug = "fixture-" + UUID.randomUUID().toString().substring(0, 6);
    browser.driver().findElement(By.cssSelector("a[data-nav=servers]")).click();
    type(browser.visible(id("server-slug")), serverSlug);
    type(browser.visible(id("server-name")), "Fixture");
    type(browser.visible(id("server-url")), upstream.url());
    browser.driver().findElement(id("server-register")).click();
    browser.textIn(id("servers-table"), serverSlug);
    browser.visible(By.cssSelector("button[data-test='" + serverSlug + "']")).click();
    browser.textIn(id("test-tools"), "echo");
    browser.textIn(id("test-features"), "Also offers 0 prompts, 0 resources and 0 resource templates");
    browser.textIn(id("servers-table"), "circuit closed");
    browser.shot("servers");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "servers").isEmpty();

    // Create a preset, link the server, pick two tools with the search box.
    String slug = "team-" + UUID.randomUUID().toString().substring(0, 6);
    browser.driver().findElement(By.cssSelector("a[data-nav=presets]")).click();
    type(browser.visible(id("preset-slug")), slug);
    type(browser.visible(id("preset-name")), "Team tools");
    new Select(browser.visible(id("preset-visibility"))).selectByValue("private");
    browser.driver().findElement(id("preset-create")).click();
    browser.waiting().until(d -> d.getCurrentUrl().endsWith("/servers"));
    String presetId = browser.driver().getCurrentUrl().replaceAll(".*#/presets/([0-9a-f-]+)/servers$", "$1");
    new Select(browser.visible(id("link-server"))).selectByVisibleText("Fixture (" + serverSlug + ")");
    browser.driver().findElement(id("link-submit")).click();
    browser.visible(By.cssSelector("section[data-link='" + serverSlug + "'] input[data-tool=echo]"));
    WebElement card = browser.visible(By.cssSelector("section[data-link='" + serverSlug + "'] fieldset[data-kind=tools]"));
    card.findElement(By.cssSelector("input[value=some]")).click();
    WebElement search = card.findElement(By.cssSelector("input[type=search]"));
    type(search, "echo");
    assertThat(card.findElements(By.cssSelector("input[data-tool]"))).hasSize(1);
    card.findElement(By.cssSelector("input[data-tool=echo]")).click();
    type(search, "add");
    card.findElement(By.xpath(".//button[text()='Select all shown']")).click();
    search.clear();
    search.sendKeys(" ");
    browser.driver().findElement(By.cssSelector("section[data-link='" + serverSlug + "'] button[data-save]")).click();
    browser.textIn(id("status"), "Saved what Fixture exposes");
    browser.shot("preset-servers");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "preset-servers").isEmpty();
    JsonObject preset = api("GET", "/presets/" + presetId, null, ADMIN);
    assertThat(preset.getJsonArray("servers").getJsonObject(0).getJsonArray("allowedToolNames"))
        .containsExactly("add", "echo");

    // The federated list, as clients will see it.
    browser.driver().findElement(By.cssSelector("a[data-tab=catalog]")).click();
    browser.textIn(id("catalog-table"), "echo");
    assertThat(browser.driver().findElements(By.cssSelector("#catalog-table tbody tr"))).hasSize(2);
    assertThat(browser.driver().findElement(id("catalog-table")).getText()).contains("add").doesNotContain("slow");
    browser.visible(id("no-collisions"));
    browser.shot("preset-catalog");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "preset-catalog").isEmpty();

    // Client configuration: the public MCP URL, and a key for this preset made on the spot.
    browser.driver().findElement(By.cssSelector("a[data-tab=connect]")).click();
    assertThat(browser.visible(id("endpoint-url")).getText()).isEqualTo("https://mcp.example.test/mcp/" + slug);
    browser.visible(id("connect-make-key")).click();
    String key = browser.visible(id("created-key")).getText();
    assertThat(key).startsWith("mgw_");
    assertThat(browser.visible(id("snippet-cursor")).getText()).contains("https://mcp.example.test/mcp/" + slug).contains(key);
    assertThat(browser.visible(id("snippet-claude-code")).getText())
        .contains("claude mcp add --transport http " + slug + " https://mcp.example.test/mcp/" + slug);
    assertThat(browser.visible(id("snippet-vs-code")).getText()).contains("\"type\": \"http\"");
    assertThat(browser.visible(id("snippet-claude-desktop")).getText()).contains("mcp-remote");
    browser.shot("preset-connect");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "preset-connect").isEmpty();

    // A real MCP client with that key calls a tool through /mcp/{slug}.
    var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + node.gatewayPort()).endpoint("/mcp/" + slug)
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key)).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("add", "echo");
      var result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "from the console test")));
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("console:echo: from the console test");
    }

    // The call arrives on the dashboard's chart (gateway → metrics → PostgreSQL → stats → browser).
    browser.driver().findElement(By.cssSelector("a[data-tab=usage]")).click();
    new Select(browser.visible(id("usage-range"))).selectByValue("1h");
    Eventually.await("the call on the usage chart", Duration.ofSeconds(20), () -> {
      if (browser.driver().findElements(By.cssSelector("#usage[aria-busy='false']")).size() == 1) {
        if (browser.driver().findElements(By.cssSelector("#chart-calls[data-calls='1']")).size() == 1) {
          return true;
        }
        browser.driver().findElement(id("usage-refresh")).click();
      }
      return false;
    });
    browser.visible(By.cssSelector("#chart-calls-plot canvas"));
    browser.visible(By.cssSelector("#chart-latency-plot canvas"));
    browser.textIn(id("chart-top-tools-plot"), "echo");
    browser.textIn(id("chart-tool-latency-plot"), "echo");
    browser.textIn(id("chart-server-latency-plot"), serverSlug);
    browser.textIn(id("chart-calls-summary"), "1 call, 0 errors");
    browser.textIn(id("chart-top-callers-summary"), "1");
    browser.shot("preset-usage");
    assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue())
        .as("no horizontal scrolling at 1280 px").isLessThanOrEqualTo(1280);
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "preset-usage").isEmpty();

    // The audit trail, filtered by event type.
    browser.driver().findElement(By.cssSelector("a[data-tab=audit]")).click();
    browser.textIn(id("audit-table"), "preset.server_linked");
    new Select(browser.visible(id("audit-type"))).selectByValue("preset.created");
    browser.driver().findElement(By.cssSelector("#audit-filters button[type=submit]")).click();
    browser.waiting().until(d -> d.findElements(By.cssSelector("#audit-table tbody tr")).size() == 1
        && d.findElement(id("audit-table")).getText().contains("preset.created"));
    browser.shot("preset-audit");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "preset-audit").isEmpty();

    // A second server offering "echo" too: the catalog shows the collision as clients will see it.
    try (HttpFixtureServer twin = HttpFixtureServer.streamable("twin")) {
      String twinSlug = "twin-" + UUID.randomUUID().toString().substring(0, 6);
      String twinId = api("POST", "/servers", new JsonObject().put("slug", twinSlug).put("name", "Twin")
          .put("transport", "streamable_http").put("url", twin.url()), ADMIN).getString("id");
      api("PUT", "/presets/" + presetId + "/servers/" + twinId, new JsonObject().put("allowedToolNames",
          new io.vertx.core.json.JsonArray().add("echo")), ADMIN);
      browser.driver().findElement(By.cssSelector("a[data-tab=catalog]")).click();
      browser.textIn(id("collisions-table"), "echo");
      assertThat(browser.driver().findElements(By.cssSelector("#catalog-table tbody tr"))).hasSize(3);
      browser.shot("preset-catalog-collision");
      api("DELETE", "/presets/" + presetId + "/servers/" + twinId, null, ADMIN);
    }

    // API keys: the preset key is listed with its scope, and can be revoked.
    browser.driver().findElement(By.cssSelector("a[data-nav=keys]")).click();
    browser.textIn(id("keys-table"), slug + " client");
    browser.textIn(id("keys-table"), slug);
    browser.shot("keys");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on " + "keys").isEmpty();

    // The trail across everything, narrowed to servers.
    browser.driver().findElement(By.cssSelector("a[data-nav=audit]")).click();
    new Select(browser.visible(id("audit-aggregate"))).selectByValue("server");
    browser.driver().findElement(By.cssSelector("#audit-filters button[type=submit]")).click();
    browser.textIn(id("audit-table"), "server.created");
    browser.waiting().until(d -> !d.findElement(id("audit-table")).getText().contains("preset.created"));
    browser.shot("audit");
    assertThat(browser.unlabelledControls()).as("unlabelled controls on the audit page").isEmpty();

    assertThat(browser.severeLogs()).as("no script errors or CSP violations in the browser console").isEmpty();
  }

  @Test
  void an_owner_picks_one_prompt_and_one_resource_and_a_client_sees_only_those() throws Exception {
    try (HttpFixtureServer features = HttpFixtureServer.withFeatures("features", ConformanceFeatures::all);
        HttpFixtureServer twin = HttpFixtureServer.withFeatures("features-twin", ConformanceFeatures::all)) {
      String serverSlug = "feat-" + UUID.randomUUID().toString().substring(0, 6);
      String serverId = api("POST", "/servers", new JsonObject().put("slug", serverSlug).put("name", "Features")
          .put("transport", "streamable_http").put("url", features.url()), ADMIN).getString("id");
      String slug = "picks-" + UUID.randomUUID().toString().substring(0, 6);
      String presetId = api("POST", "/presets", new JsonObject().put("slug", slug).put("name", "Picks").put("visibility", "private"), ADMIN)
          .getString("id");
      api("PUT", "/presets/" + presetId + "/servers/" + serverId, new JsonObject(), ADMIN);

      browser.size(1280, 900);
      browser.open(console() + "#key=" + ADMIN);
      browser.visible(id("who-name"));
      browser.open(console() + "#/presets/" + presetId + "/servers");
      String card = "section[data-link='" + serverSlug + "'] ";
      // Prompts: "Only the selected" through its label, the filter box, the checkbox with the keyboard.
      browser.visible(By.cssSelector(card + "input[data-prompt=test_simple_prompt]"));
      browser.driver().findElement(By.cssSelector(card + "label[for='some-prompts-" + serverId + "']")).click();
      assertThat(browser.driver().findElement(id("some-prompts-" + serverId)).isSelected()).isTrue();
      type(browser.driver().findElement(id("search-prompts-" + serverId)), "simple");
      assertThat(browser.driver().findElements(By.cssSelector(card + "input[data-prompt]"))).hasSize(1);
      browser.driver().findElement(By.cssSelector(card + "input[data-prompt=test_simple_prompt]")).sendKeys(Keys.SPACE);
      browser.textIn(By.cssSelector(card + "fieldset[data-kind=prompts]"), "1 of 4 selected");
      // Resources and templates share one list: pick the static text resource only.
      browser.visible(By.cssSelector(card + "input[data-resource='test://template/{id}/data']"));
      browser.driver().findElement(By.cssSelector(card + "label[for='some-resources-" + serverId + "']")).click();
      type(browser.driver().findElement(id("search-resources-" + serverId)), "static-text");
      browser.driver().findElement(By.cssSelector(card + "input[data-resource='test://static-text']")).sendKeys(Keys.SPACE);
      browser.textIn(By.cssSelector(card + "fieldset[data-kind=resources]"), "1 of 4 selected");
      browser.shot("picks-servers");
      assertThat(browser.unlabelledControls()).as("unlabelled controls on the linked servers").isEmpty();
      browser.driver().findElement(By.cssSelector(card + "button[data-save]")).click();
      browser.textIn(id("status"), "Saved what Features exposes");
      JsonObject link = api("GET", "/presets/" + presetId, null, ADMIN).getJsonArray("servers").getJsonObject(0);
      assertThat(link.getJsonArray("allowedPromptNames")).containsExactly("test_simple_prompt");
      assertThat(link.getJsonArray("allowedResourceUris")).containsExactly("test://static-text");
      assertThat(link.getJsonArray("allowedToolNames")).as("tools stay all").isEmpty();

      // The saved picks are shown when the page is opened again.
      browser.open(console() + "#/presets/" + presetId + "/catalog");
      browser.visible(id("prompts-table"));
      browser.open(console() + "#/presets/" + presetId + "/servers");
      browser.visible(By.cssSelector(card + "input[data-prompt=test_simple_prompt]"));
      assertThat(browser.driver().findElement(id("some-prompts-" + serverId)).isSelected()).isTrue();
      assertThat(browser.driver().findElement(By.cssSelector(card + "input[data-prompt=test_simple_prompt]")).isSelected()).isTrue();
      assertThat(browser.driver().findElement(By.cssSelector(card + "input[data-prompt=test_prompt_with_image]")).isSelected()).isFalse();
      browser.textIn(By.cssSelector(card + "fieldset[data-kind=tools]"), "all ");

      // A client of /mcp/{slug} sees exactly those.
      String key = api("POST", "/api-keys", new JsonObject().put("name", slug + " client")
          .put("presetIds", new io.vertx.core.json.JsonArray().add(presetId)), ADMIN).getString("key");
      var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + node.gatewayPort()).endpoint("/mcp/" + slug)
          .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key)).build();
      try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
        client.initialize();
        assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactly("test_simple_prompt");
        assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri).containsExactly("test://static-text");
        assertThat(client.listResourceTemplates().resourceTemplates()).isEmpty();
        assertThat(client.listTools().tools()).as("tools are all exposed").isNotEmpty();
      }

      // The catalog shows them as clients see them; a second server offering the same ones renames every claimant.
      browser.open(console() + "#/presets/" + presetId + "/catalog");
      browser.textIn(id("prompts-table"), "test_simple_prompt");
      assertThat(browser.driver().findElements(By.cssSelector("#prompts-table tbody tr"))).hasSize(1);
      assertThat(browser.driver().findElements(By.cssSelector("#resources-table tbody tr"))).hasSize(1);
      browser.textIn(id("templates-table"), "No resource templates exposed.");
      browser.visible(id("no-prompt-collisions"));
      String twinSlug = "twin-" + UUID.randomUUID().toString().substring(0, 6);
      String twinId = api("POST", "/servers", new JsonObject().put("slug", twinSlug).put("name", "Twin")
          .put("transport", "streamable_http").put("url", twin.url()), ADMIN).getString("id");
      api("PUT", "/presets/" + presetId + "/servers/" + twinId, new JsonObject()
          .put("allowedPromptNames", new io.vertx.core.json.JsonArray().add("test_simple_prompt"))
          .put("allowedResourceUris", new io.vertx.core.json.JsonArray().add("test://static-text")), ADMIN);
      browser.open(console() + "#/presets/" + presetId + "/servers");
      browser.visible(By.cssSelector("section[data-link='" + twinSlug + "']"));
      browser.open(console() + "#/presets/" + presetId + "/catalog");
      browser.textIn(id("prompts-table"), serverSlug + "__test_simple_prompt");
      browser.textIn(id("prompts-table"), twinSlug + "__test_simple_prompt");
      browser.textIn(id("prompt-collisions-table"), "renamed");
      browser.textIn(id("resources-table"), "mcpgw://" + serverSlug + "/test://static-text");
      browser.textIn(id("resources-table"), "mcpgw://" + twinSlug + "/test://static-text");
      browser.textIn(id("resource-collisions-table"), "test://static-text");
      browser.shot("picks-catalog");
      assertThat(browser.unlabelledControls()).as("unlabelled controls on the catalog").isEmpty();

      // Both pages fit a phone's width (long URIs wrap; wide tables scroll inside their box).
      browser.size(390, 844);
      for (String tab : java.util.List.of("servers", "catalog")) {
        browser.open(console() + "#/presets/" + presetId + "/" + tab);
        browser.visible(By.cssSelector("a[data-tab=" + tab + "][aria-current=page]"));
        browser.visible(tab.equals("servers") ? By.cssSelector(card + "input[data-resource='test://static-text']") : id("resources-table"));
        browser.shot("picks-" + tab + "-390");
        assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue())
            .as("no horizontal scrolling of " + tab + " at 390 px").isLessThanOrEqualTo(390);
      }
      browser.size(1280, 900);
      api("DELETE", "/presets/" + presetId + "/servers/" + twinId, null, ADMIN);
      assertThat(browser.severeLogs()).as("no script errors or CSP violations in the browser console").isEmpty();
    }
  }

  @Test
  void a_non_admin_sees_only_their_own_presets_and_no_admin_pages() throws Exception {
    String subject = "member-" + UUID.randomUUID().toString().substring(0, 6);
    JsonObject member = api("POST", "/principals", new JsonObject().put("subject", subject).put("displayName", "Member"), ADMIN);
    String memberKey = api("POST", "/api-keys", new JsonObject().put("name", "member console")
        .put("principalId", member.getString("id")), ADMIN).getString("key");
    String theirs = "mine-" + UUID.randomUUID().toString().substring(0, 6);
    String adminOnly = "admins-" + UUID.randomUUID().toString().substring(0, 6);
    String mineId = api("POST", "/presets", new JsonObject().put("slug", theirs).put("name", "Mine").put("visibility", "private"), memberKey)
        .getString("id");
    api("POST", "/presets", new JsonObject().put("slug", adminOnly).put("name", "Not yours").put("visibility", "private"), ADMIN);

    // Sign in through the form, at phone width.
    browser.size(390, 844);
    // Forget an earlier test's key on a page of the same origin that is not the console: cleared under a running
    // console, its next request would go out without a key (a 401 in the browser log).
    browser.open(console() + "console.css");
    browser.js("sessionStorage.clear()");
    browser.open(console());
    WebElement keyInput = browser.visible(id("api-key"));
    keyInput.sendKeys(memberKey);
    keyInput.sendKeys(Keys.ENTER);
    browser.textIn(id("who-name"), "Member");
    browser.textIn(id("presets-table"), theirs);
    assertThat(browser.driver().findElement(id("presets-table")).getText()).doesNotContain(adminOnly);
    assertThat(browser.driver().findElement(By.cssSelector("a[data-nav=principals]")).isDisplayed()).isFalse();
    assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue())
        .as("no horizontal scrolling at 390 px").isLessThanOrEqualTo(390);
    browser.shot("member-presets-390");
    assertThat(browser.unlabelledControls()).isEmpty();
    // Keyboard: navigation focuses the page heading, so a screen reader announces the new page.
    assertThat(browser.js("return document.activeElement.tagName")).isEqualTo("H1");
    // The skip link moves the focus to the content and stays on the page ("#main" is not a route).
    String here = browser.driver().getCurrentUrl();
    browser.js("document.querySelector('a.skip').focus()");
    browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    assertThat(browser.js("return document.activeElement.id")).isEqualTo("main");
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(here);
    assertThat(browser.driver().findElement(id("presets-table")).getText()).contains(theirs);

    // Every page of their own preset fits the phone width (wide tables scroll inside their box).
    for (String tab : java.util.List.of("settings", "servers", "catalog", "connect", "access", "audit", "usage")) {
      browser.open(console() + "#/presets/" + mineId + "/" + tab);
      browser.visible(By.cssSelector("a[data-tab=" + tab + "][aria-current=page]"));
      if (tab.equals("usage")) {
        browser.visible(By.cssSelector("#chart-calls-plot canvas"));
      }
      browser.shot("member-" + tab + "-390");
      assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue())
          .as("no horizontal scrolling of " + tab + " at 390 px").isLessThanOrEqualTo(390);
      assertThat(browser.unlabelledControls()).as("unlabelled controls on " + tab).isEmpty();
    }
    browser.open(console() + "#/keys");
    browser.visible(By.id("keys-table"));
    assertThat(((Number) browser.js("return document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);

    // An admin's preset is not reachable by address either.
    String hidden = api("GET", "/presets?limit=100", null, ADMIN).getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(p -> p.getString("slug").equals(adminOnly)).findFirst().orElseThrow().getString("id");
    browser.open(console() + "#/presets/" + hidden);
    browser.textIn(id("status"), "404");

    // Signing out forgets the key.
    browser.size(1280, 900);
    browser.visible(id("sign-out")).click();
    browser.visible(id("api-key"));
    assertThat(browser.js("return sessionStorage.length")).isEqualTo(0L);
    browser.shot("signed-out");
    assertThat(browser.severeLogs().stream().filter(e -> !e.getMessage().contains("404")).toList()).isEmpty();
  }

  @Test
  void the_console_is_served_with_a_strict_content_security_policy() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(console())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script type=\"module\" src=\"/js/main.js\"></script>").doesNotContain("<style")
        .doesNotContain("style=").doesNotContain("onclick");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("style-src 'self'")
        .contains("frame-ancestors 'none'").contains("connect-src 'self'").doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    HttpResponse<String> chart = http.send(HttpRequest.newBuilder(URI.create(console() + "vendor/uplot/uPlot.esm.js")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(chart.statusCode()).as("the chart library comes from the jar").isEqualTo(200);
    assertThat(chart.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    JsonObject config = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(console() + "api/v1/console-config")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(config.getString("mcpBaseUrl")).isEqualTo("https://mcp.example.test");
    assertThat(config.getValue("oauth")).isNull();
  }

  private static JsonObject api(String method, String path, JsonObject body, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console() + "api/v1" + path))
        .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(15));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> res = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
    return res.body().isEmpty() ? new JsonObject() : new JsonObject(res.body());
  }

}
