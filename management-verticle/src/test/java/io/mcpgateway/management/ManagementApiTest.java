package io.mcpgateway.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.gateway.GatewayVerticle;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.FixtureFeatures;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management API over real HTTP, with a gateway verticle on the same event bus and real PostgreSQL. */
class ManagementApiTest {
  private static final String ADMIN_KEY = "test-admin-key-" + UUID.randomUUID();
  private static Vertx vertx;
  private static Pool pool;
  private static PgSettings pg;
  private static ManagementVerticle management;
  private static WebClient web;
  private static HttpFixtureServer fixture;
  private static String alice;
  private static String aliceId;
  private static String bob;
  private static final List<JsonObject> busMessages = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    String schema = TestServices.freshSchema("management");
    GatewayConfig config = ConfigLoader.load(vertx, new JsonObject()
        .put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0").put("MGW_MANAGEMENT_PORT", "0")
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)
        .put("MGW_METRICS_PORT", "0").put("MGW_SHUTDOWN_GRACE", "1s").put("MGW_ADMIN_API_KEY", ADMIN_KEY)).await();
    pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    pool = Database.pool(vertx, pg);
    var node = new NodeSettings(config, pg, SecretBox.fromBase64(SecretBox.generateKey()));
    management = new ManagementVerticle(node);
    vertx.deployVerticle(management).await();
    vertx.deployVerticle(new GatewayVerticle(node)).await();
    vertx.deployVerticle(new io.mcpgateway.metrics.MetricsVerticle(node)).await();
    web = WebClient.create(vertx);
    for (String address : List.of(Addresses.PRESET_CHANGED, Addresses.SERVER_CHANGED, Addresses.ACCESS_CHANGED, Addresses.API_KEY_REVOKED)) {
      vertx.eventBus().<JsonObject>consumer(address, m -> busMessages.add(m.body().copy().put("address", address)));
    }
    fixture = HttpFixtureServer.streamable("fx");
    JsonObject a = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", "alice").put("email", "alice@example.com")));
    aliceId = a.getString("id");
    alice = created(call(HttpMethod.POST, "/api-keys", ADMIN_KEY, new JsonObject().put("name", "alice's key").put("principalId", aliceId))).getString("key");
    String bobId = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", "bob"))).getString("id");
    bob = created(call(HttpMethod.POST, "/api-keys", ADMIN_KEY, new JsonObject().put("name", "bob's key").put("principalId", bobId))).getString("key");
  }

  @AfterAll
  static void stop() {
    fixture.close();
    vertx.close().await();
    TestServices.dropSchema(pg.schema());
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String key, JsonObject body) {
    return ApiCalls.call(web, management.port(), method, path, key, body);
  }

  private static JsonObject created(HttpResponse<Buffer> r) {
    return ApiCalls.created(r);
  }

  private static String slug(String base) {
    return ApiCalls.slug(base);
  }

  private static JsonObject preset(String key, String slug, String visibility) {
    return created(call(HttpMethod.POST, "/presets", key, new JsonObject().put("slug", slug).put("name", "P " + slug)
        .put("visibility", visibility)));
  }

  private static JsonObject fixtureServer() {
    return created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", slug("fx")).put("name", "Fixture")
        .put("transport", "streamable_http").put("url", fixture.url()).put("headers", new JsonObject().put("Authorization", "Bearer upstream-secret-xyz"))));
  }

  private static List<String> fields(HttpResponse<Buffer> r) {
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonArray errors = r.bodyAsJsonObject().getJsonArray("errors", new JsonArray());
    List<String> out = new ArrayList<>();
    errors.forEach(e -> out.add(((JsonObject) e).getString("field")));
    return out;
  }

  @Test
  void requests_without_credentials_get_401_problem_json() {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/presets", null, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(call(HttpMethod.GET, "/presets", "mgw_wrong", null).statusCode()).isEqualTo(401);
  }

  @Test
  void preset_lifecycle_writes_audit_events_and_publishes_after_commit() {
    String s = slug("life");
    JsonObject p = preset(alice, s, "private");
    String id = p.getString("id");
    assertThat(p.getString("ownerId")).isEqualTo(aliceId);
    Eventually.await("preset.created on the bus", Duration.ofSeconds(5), () -> busMessages.stream()
        .anyMatch(m -> id.equals(m.getString("presetId")) && "created".equals(m.getString("change"))));
    HttpResponse<Buffer> patched = call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("name", "Renamed").put("status", "disabled"));
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getString("status")).isEqualTo("disabled");
    JsonArray events = call(HttpMethod.GET, "/presets/" + id + "/events", alice, null).bodyAsJsonObject().getJsonArray("items");
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")).toList()).containsExactly("preset.updated", "preset.created");
    JsonObject update = events.getJsonObject(0);
    assertThat(update.getString("actorId")).isEqualTo(aliceId);
    assertThat(update.getJsonObject("data").getJsonObject("before").getString("name")).isEqualTo("P " + s);
    assertThat(update.getJsonObject("data").getJsonObject("after").getString("name")).isEqualTo("Renamed");
    assertThat(call(HttpMethod.DELETE, "/presets/" + id, alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/presets/" + id, alice, null).statusCode()).isEqualTo(404);
  }

  @Test
  void validation_reports_each_field_at_the_boundaries() {
    assertThat(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", "a".repeat(50)).put("name", "n".repeat(100))
        .put("description", "d".repeat(500)).put("visibility", "public")).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> bad = call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", "ab").put("name", "n".repeat(101))
        .put("description", "d".repeat(501)).put("visibility", "public"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("slug", "name", "description");
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", "a".repeat(51)).put("name", "")
        .put("visibility", "secret")))).containsExactly("slug", "name", "visibility");
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("ok")).put("name", "")
        .put("visibility", "public")))).containsExactly("name");
    HttpResponse<Buffer> notJson = web.post(management.port(), "127.0.0.1", "/api/v1/presets")
        .putHeader("Authorization", "Bearer " + alice).sendBuffer(Buffer.buffer("{nope")).await();
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void links_carry_prompt_and_resource_allow_lists_and_reject_bad_ones() {
    String id = preset(ADMIN_KEY, slug("picks"), "public").getString("id");
    String server = fixtureServer().getString("id");
    HttpResponse<Buffer> linked = call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY, new JsonObject()
        .put("allowedPromptNames", new JsonArray().add("summarize"))
        .put("allowedResourceUris", new JsonArray().add("file:///docs/{name}").add("test://static-text")));
    assertThat(linked.statusCode()).as(linked.bodyAsString()).isEqualTo(200);
    JsonObject link = linked.bodyAsJsonObject().getJsonArray("servers").getJsonObject(0);
    assertThat(link.getJsonArray("allowedToolNames")).isEmpty();
    assertThat(link.getJsonArray("allowedPromptNames")).containsExactly("summarize");
    assertThat(link.getJsonArray("allowedResourceUris")).containsExactly("file:///docs/{name}", "test://static-text");
    assertThat(fields(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY, new JsonObject()
        .put("allowedPromptNames", new JsonArray().add("a").add("a"))
        .put("allowedResourceUris", new JsonArray().add("u".repeat(2049))))))
        .containsExactly("allowedPromptNames[1]", "allowedResourceUris[0]");
    // A PUT without the lists exposes everything again (empty = all), as for tools.
    JsonObject reset = call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY, new JsonObject())
        .bodyAsJsonObject().getJsonArray("servers").getJsonObject(0);
    assertThat(reset.getJsonArray("allowedPromptNames")).isEmpty();
    assertThat(reset.getJsonArray("allowedResourceUris")).isEmpty();
  }

  @Test
  void links_take_100_tools_of_128_characters_and_a_preset_at_most_20_servers() {
    String id = preset(ADMIN_KEY, slug("links"), "public").getString("id");
    String server = fixtureServer().getString("id");
    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add("t" + i);
    }
    hundred.set(0, "x".repeat(128));
    assertThat(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY,
        new JsonObject().put("enabled", true).put("allowedToolNames", new JsonArray(hundred))).statusCode()).isEqualTo(200);
    List<String> tooMany = new ArrayList<>(hundred);
    tooMany.add("t100");
    assertThat(fields(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY,
        new JsonObject().put("allowedToolNames", new JsonArray(tooMany))))).containsExactly("allowedToolNames");
    assertThat(fields(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server, ADMIN_KEY,
        new JsonObject().put("allowedToolNames", new JsonArray().add("y".repeat(129)))))).containsExactly("allowedToolNames[0]");
    for (int i = 1; i < 20; i++) {
      String more = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", slug("s" + i)).put("name", "S")
          .put("transport", "streamable_http").put("url", "https://93.184.215.14/mcp"))).getString("id");
      assertThat(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + more, ADMIN_KEY, new JsonObject()).statusCode()).isEqualTo(200);
    }
    String twentyFirst = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", slug("s21")).put("name", "S")
        .put("transport", "streamable_http").put("url", "https://93.184.215.14/mcp"))).getString("id");
    HttpResponse<Buffer> rejected = call(HttpMethod.PUT, "/presets/" + id + "/servers/" + twentyFirst, ADMIN_KEY, new JsonObject());
    assertThat(rejected.statusCode()).isEqualTo(422);
    assertThat(rejected.bodyAsJsonObject().getString("detail")).contains("at most 20 servers");
  }

  @Test
  void another_user_sees_404_for_what_is_not_theirs() {
    String id = preset(alice, slug("mine"), "private").getString("id");
    assertThat(call(HttpMethod.GET, "/presets/" + id, bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.PATCH, "/presets/" + id, bob, new JsonObject().put("name", "x")).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/presets/" + id, bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/presets/" + UUID.randomUUID(), alice, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/presets/not-a-uuid", alice, null).statusCode()).isEqualTo(404);
    JsonArray bobs = call(HttpMethod.GET, "/presets", bob, null).bodyAsJsonObject().getJsonArray("items");
    assertThat(bobs.stream().map(o -> ((JsonObject) o).getString("id")).toList()).doesNotContain(id);
  }

  @Test
  void only_admins_register_stdio_servers_and_private_network_urls() {
    HttpResponse<Buffer> stdio = call(HttpMethod.POST, "/servers", alice, new JsonObject().put("slug", slug("cmd")).put("name", "C")
        .put("transport", "stdio").put("command", "rm").put("args", new JsonArray().add("-rf").add("/")));
    assertThat(stdio.statusCode()).isEqualTo(403);
    assertThat(stdio.bodyAsJsonObject().getString("detail")).contains("only administrators may register stdio servers");
    for (String url : List.of("http://127.0.0.1:8080/mcp", "http://10.1.2.3/mcp", "http://169.254.169.254/latest", "http://[::1]/mcp",
        "http://localhost/mcp", "http://192.168.1.1/mcp")) {
      HttpResponse<Buffer> r = call(HttpMethod.POST, "/servers", alice, new JsonObject().put("slug", slug("ssrf")).put("name", "S")
          .put("transport", "streamable_http").put("url", url));
      assertThat(r.statusCode()).as(url).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("detail")).contains("non-public address");
    }
    assertThat(call(HttpMethod.POST, "/servers", alice, new JsonObject().put("slug", slug("pub")).put("name", "S")
        .put("transport", "streamable_http").put("url", "https://93.184.215.14/mcp")).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", slug("cmd")).put("name", "C")
        .put("transport", "stdio").put("command", "npx").put("args", new JsonArray().add("server"))).statusCode()).isEqualTo(201);
  }

  @Test
  void slugs_are_unique_and_of_concurrent_creates_exactly_one_wins() {
    String s = slug("race");
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(web.post(management.port(), "127.0.0.1", "/api/v1/presets").putHeader("Authorization", "Bearer " + (i % 2 == 0 ? alice : bob))
          .sendJsonObject(new JsonObject().put("slug", s).put("name", "race " + i).put("visibility", "public")));
    }
    Future.join(attempts).await();
    assertThat(attempts.stream().filter(f -> f.result().statusCode() == 201).count()).isEqualTo(1);
    assertThat(attempts.stream().filter(f -> f.result().statusCode() == 409).count()).isEqualTo(7);
    assertThat(attempts.stream().filter(f -> f.result().statusCode() == 409).findFirst().orElseThrow().result()
        .bodyAsJsonObject().getString("detail")).contains("slug already exists");
    long audits = pool.preparedQuery("SELECT count(*) AS n FROM audit_events WHERE event_type = 'preset.created' AND data->'after'->>'slug' = $1")
        .execute(Tuple.of(s)).await().iterator().next().getLong("n");
    assertThat(audits).as("an audit event only for the create that committed").isEqualTo(1);
  }

  @Test
  void server_secrets_are_masked_in_answers_and_sealed_in_the_table() {
    JsonObject server = fixtureServer();
    assertThat(server.getJsonObject("headers").getString("Authorization")).isEqualTo("Bear***");
    assertThat(server.encode()).doesNotContain("upstream-secret-xyz");
    assertThat(call(HttpMethod.GET, "/servers/" + server.getString("id"), ADMIN_KEY, null).bodyAsString()).doesNotContain("upstream-secret-xyz");
    byte[] raw = pool.preparedQuery("SELECT secrets FROM upstream_servers WHERE id = $1").execute(Tuple.of(UUID.fromString(server.getString("id"))))
        .await().iterator().next().getBuffer("secrets").getBytes();
    assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("upstream-secret-xyz");
    HttpResponse<Buffer> renamed = call(HttpMethod.PATCH, "/servers/" + server.getString("id"), ADMIN_KEY, new JsonObject().put("name", "Renamed"));
    assertThat(renamed.statusCode()).isEqualTo(200);
    assertThat(renamed.bodyAsJsonObject().getJsonObject("headers").getString("Authorization")).as("kept on PATCH").isEqualTo("Bear***");
  }

  @Test
  void live_tool_lists_come_from_the_upstream_and_the_exposed_catalog_from_the_gateway() {
    JsonObject server = fixtureServer();
    HttpResponse<Buffer> tools = call(HttpMethod.GET, "/servers/" + server.getString("id") + "/tools", ADMIN_KEY, null);
    assertThat(tools.statusCode()).as(tools.bodyAsString()).isEqualTo(200);
    assertThat(tools.bodyAsJsonObject().getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList())
        .contains("echo", "add", "progress");
    String id = preset(ADMIN_KEY, slug("cat"), "public").getString("id");
    call(HttpMethod.PUT, "/presets/" + id + "/servers/" + server.getString("id"), ADMIN_KEY,
        new JsonObject().put("allowedToolNames", new JsonArray().add("echo").add("add")));
    JsonObject catalog = call(HttpMethod.GET, "/presets/" + id + "/tools", ADMIN_KEY, null).bodyAsJsonObject();
    assertThat(catalog.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")).toList()).containsExactly("add", "echo");
  }

  @Test
  void live_prompt_and_resource_lists_come_from_the_upstream_and_the_exposed_ones_from_the_gateway() {
    try (HttpFixtureServer full = HttpFixtureServer.withFeatures("full", ConformanceFeatures::all);
        HttpFixtureServer other = HttpFixtureServer.withFeatures("other", json -> new FixtureFeatures(List.of(),
            List.of(new SyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-text").name("other-text").build(),
                (ex, req) -> new McpSchema.ReadResourceResult(List.of()))),
            List.of(),
            List.of(new SyncPromptSpecification(new McpSchema.Prompt("test_simple_prompt", "other's prompt", List.of()),
                (ex, req) -> new McpSchema.GetPromptResult(null, List.of()))),
            List.of(), null))) {
      String fullSlug = slug("full");
      String fullId = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", fullSlug).put("name", "Full")
          .put("transport", "streamable_http").put("url", full.url()))).getString("id");
      String otherSlug = slug("other");
      String otherId = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", otherSlug).put("name", "Other")
          .put("transport", "streamable_http").put("url", other.url()))).getString("id");
      HttpResponse<Buffer> prompts = call(HttpMethod.GET, "/servers/" + fullId + "/prompts", ADMIN_KEY, null);
      assertThat(prompts.statusCode()).as(prompts.bodyAsString()).isEqualTo(200);
      assertThat(names(prompts.bodyAsJsonObject().getJsonArray("prompts"), "name")).containsExactlyInAnyOrder(
          "test_simple_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource", "test_prompt_with_image");
      assertThat(prompts.bodyAsJsonObject().fieldNames()).containsExactly("prompts");
      JsonObject resources = call(HttpMethod.GET, "/servers/" + fullId + "/resources", ADMIN_KEY, null).bodyAsJsonObject();
      assertThat(names(resources.getJsonArray("resources"), "uri"))
          .containsExactlyInAnyOrder("test://static-text", "test://static-binary", "test://watched-resource");
      assertThat(names(resources.getJsonArray("resourceTemplates"), "uriTemplate")).containsExactly("test://template/{id}/data");
      // A server that offers neither: empty lists, not an error.
      JsonObject toolsOnly = fixtureServer();
      assertThat(call(HttpMethod.GET, "/servers/" + toolsOnly.getString("id") + "/prompts", ADMIN_KEY, null).bodyAsJsonObject()
          .getJsonArray("prompts")).isEmpty();
      assertThat(call(HttpMethod.GET, "/servers/" + toolsOnly.getString("id") + "/resources", ADMIN_KEY, null).bodyAsJsonObject()
          .getJsonArray("resources")).isEmpty();
      // Same ownership rule as the tool list: what is not yours is 404.
      for (String path : List.of("/servers/" + fullId + "/prompts", "/servers/" + fullId + "/resources",
          "/servers/" + UUID.randomUUID() + "/prompts")) {
        HttpResponse<Buffer> hidden = call(HttpMethod.GET, path, bob, null);
        assertThat(hidden.statusCode()).as(path).isEqualTo(404);
        assertThat(hidden.getHeader("Content-Type")).isEqualTo("application/problem+json");
      }

      // A preset of both: one prompt and one resource picked from "full", everything of "other".
      String presetId = preset(ADMIN_KEY, slug("feat"), "private").getString("id");
      assertThat(call(HttpMethod.PUT, "/presets/" + presetId + "/servers/" + fullId, ADMIN_KEY, new JsonObject()
          .put("allowedPromptNames", new JsonArray().add("test_simple_prompt").add("test_prompt_with_image"))
          .put("allowedResourceUris", new JsonArray().add("test://static-text").add("test://template/{id}/data"))).statusCode())
          .isEqualTo(200);
      assertThat(call(HttpMethod.PUT, "/presets/" + presetId + "/servers/" + otherId, ADMIN_KEY, new JsonObject()).statusCode()).isEqualTo(200);
      JsonObject exposedPrompts = call(HttpMethod.GET, "/presets/" + presetId + "/prompts", ADMIN_KEY, null).bodyAsJsonObject();
      assertThat(names(exposedPrompts.getJsonArray("prompts"), "name")).containsExactlyInAnyOrder(
          fullSlug + "__test_simple_prompt", otherSlug + "__test_simple_prompt", "test_prompt_with_image");
      JsonObject renamed = exposedPrompts.getJsonArray("prompts").stream().map(o -> (JsonObject) o)
          .filter(p -> p.getString("name").startsWith(otherSlug)).findFirst().orElseThrow();
      assertThat(renamed.getString("originalName")).isEqualTo("test_simple_prompt");
      assertThat(renamed.getString("serverId")).isEqualTo(otherId);
      assertThat(renamed.getString("description")).isEqualTo("other's prompt");
      assertThat(names(exposedPrompts.getJsonArray("notes"), "name"))
          .containsExactlyInAnyOrder(fullSlug + "__test_simple_prompt", otherSlug + "__test_simple_prompt");
      assertThat(exposedPrompts.getJsonArray("unavailable")).isEmpty();
      JsonObject exposedResources = call(HttpMethod.GET, "/presets/" + presetId + "/resources", ADMIN_KEY, null).bodyAsJsonObject();
      assertThat(names(exposedResources.getJsonArray("resources"), "uri")).containsExactlyInAnyOrder(
          "mcpgw://" + fullSlug + "/test://static-text", "mcpgw://" + otherSlug + "/test://static-text");
      assertThat(names(exposedResources.getJsonArray("resources"), "originalUri")).containsOnly("test://static-text");
      assertThat(names(exposedResources.getJsonArray("resourceTemplates"), "uriTemplate")).containsExactly("test://template/{id}/data");
      assertThat(exposedResources.getJsonArray("notes")).hasSize(2).allSatisfy(n -> assertThat(((JsonObject) n).getString("reason"))
          .contains("renamed"));
      assertThat(call(HttpMethod.GET, "/presets/" + presetId + "/prompts", bob, null).statusCode()).isEqualTo(404);
      assertThat(call(HttpMethod.GET, "/presets/" + presetId + "/resources", bob, null).statusCode()).isEqualTo(404);
    }
  }

  private static List<String> names(JsonArray items, String field) {
    return items.stream().map(o -> ((JsonObject) o).getString(field)).toList();
  }

  @Test
  void an_upstream_that_redirects_is_reported_as_the_upstreams_answer_not_as_bad_input() {
    var redirecting = vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(307)
        .putHeader("Location", "http://elsewhere.invalid/mcp").end()).listen(0, "127.0.0.1").await();
    try {
      JsonObject server = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, new JsonObject().put("slug", slug("redir"))
          .put("name", "Redirecting").put("transport", "streamable_http")
          .put("url", "http://127.0.0.1:" + redirecting.actualPort() + "/mcp")));
      HttpResponse<Buffer> tools = call(HttpMethod.GET, "/servers/" + server.getString("id") + "/tools", ADMIN_KEY, null);
      assertThat(tools.statusCode()).as(tools.bodyAsString()).isEqualTo(502);
      assertThat(tools.bodyAsJsonObject().getString("detail")).contains("HTTP 307").contains("redirect")
          .contains("elsewhere.invalid");
      HttpResponse<Buffer> prompts = call(HttpMethod.GET, "/servers/" + server.getString("id") + "/prompts", ADMIN_KEY, null);
      assertThat(prompts.statusCode()).as(prompts.bodyAsString()).isEqualTo(502);
      assertThat(prompts.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(prompts.bodyAsJsonObject().getString("detail")).contains("HTTP 307");
    } finally {
      redirecting.close().await();
    }
  }

  @Test
  void grants_are_listed_and_revoked_with_bus_messages() {
    String id = preset(alice, slug("shared"), "invite_only").getString("id");
    String bobId = call(HttpMethod.GET, "/me", bob, null).bodyAsJsonObject().getString("id");
    assertThat(created(call(HttpMethod.POST, "/presets/" + id + "/access", alice, new JsonObject().put("principalId", bobId)))
        .getString("principalId")).isEqualTo(bobId);
    assertThat(call(HttpMethod.POST, "/presets/" + id + "/access", alice, new JsonObject().put("principalId", bobId)).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.GET, "/presets/" + id, bob, null).statusCode()).as("shared presets are readable").isEqualTo(200);
    assertThat(call(HttpMethod.PATCH, "/presets/" + id, bob, new JsonObject().put("name", "x")).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, "/presets/" + id + "/access", alice, null).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(call(HttpMethod.DELETE, "/presets/" + id + "/access/" + bobId, alice, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/presets/" + id, bob, null).statusCode()).isEqualTo(404);
    Eventually.await("access messages", Duration.ofSeconds(5), () -> busMessages.stream()
        .filter(m -> id.equals(m.getString("presetId")) && Addresses.ACCESS_CHANGED.equals(m.getString("address"))).count() == 2);
  }

  @Test
  void an_api_key_is_shown_once_works_and_stops_working_when_revoked() {
    JsonObject key = created(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "laptop")));
    String secret = key.getString("key");
    assertThat(secret).startsWith(key.getString("prefix"));
    assertThat(call(HttpMethod.GET, "/me", secret, null).bodyAsJsonObject().getString("id")).isEqualTo(aliceId);
    String listed = call(HttpMethod.GET, "/api-keys", alice, null).bodyAsString();
    assertThat(listed).contains(key.getString("id")).doesNotContain(secret);
    assertThat(call(HttpMethod.DELETE, "/api-keys/" + key.getString("id"), bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/api-keys/" + key.getString("id"), alice, null).statusCode()).isEqualTo(204);
    Eventually.await("the revoked key to stop working", Duration.ofSeconds(5),
        () -> call(HttpMethod.GET, "/me", secret, null).statusCode() == 401);
    assertThat(fields(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "x").put("expiresAt", "2001-01-01T00:00:00Z"))))
        .containsExactly("expiresAt");
  }

  @Test
  void the_openapi_document_describes_every_mounted_route() {
    JsonObject doc = web.get(management.port(), "127.0.0.1", "/api/v1/openapi.json").send().await().bodyAsJsonObject();
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    JsonObject paths = doc.getJsonObject("paths");
    List<String> mounted = management.mountedRoutes();
    assertThat(mounted).hasSizeGreaterThan(20);
    for (String route : mounted) {
      String[] parts = route.split(" ", 2);
      String path = parts[1].substring("/api/v1".length()).replaceAll(":([a-zA-Z]+)", "{$1}");
      if (path.equals("/*") || path.equals("/openapi.json")) {
        continue;
      }
      assertThat(paths.getJsonObject(path)).as("documented path %s", path).isNotNull();
      assertThat(paths.getJsonObject(path).getJsonObject(parts[0].toLowerCase())).as("documented %s", route).isNotNull();
    }
  }

  @Test
  void stats_come_from_the_metrics_service_and_bad_windows_are_rejected() {
    String id = preset(alice, slug("stats"), "public").getString("id");
    vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED, new io.mcpgateway.model.bus.ToolCallRecorded(UUID.fromString(id),
        UUID.randomUUID(), "echo", "p", true, 12, null, java.time.Instant.now().minusSeconds(60)).toJson());
    Eventually.await("the call to be counted", Duration.ofSeconds(10), () -> {
      HttpResponse<Buffer> r = call(HttpMethod.GET, "/presets/" + id + "/stats?bucket=minute", alice, null);
      return r.statusCode() == 200 && r.bodyAsJsonObject().getJsonObject("totals").getLong("calls") == 1;
    });
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?bucket=week", alice, null))).containsExactly("bucket");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?from=yesterday", alice, null))).containsExactly("from");
    assertThat(call(HttpMethod.GET, "/presets/" + id + "/stats", bob, null).statusCode()).isEqualTo(404);
  }

  @Test
  void console_config_needs_no_credentials_and_every_answer_carries_the_security_headers() {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/console-config", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("mcpBaseUrl")).startsWith("http://localhost");
    assertThat(r.bodyAsJsonObject().getString("mcpPathTemplate")).isEqualTo("/mcp/{slug}");
    assertThat(r.bodyAsJsonObject().getValue("oauth")).as("no OAuth client configured").isNull();
    HttpResponse<Buffer> denied = call(HttpMethod.GET, "/servers", null, null);
    for (HttpResponse<Buffer> answer : List.of(r, denied)) {
      assertThat(answer.getHeader("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'");
      assertThat(answer.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(answer.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    }
    assertThat(denied.statusCode()).isEqualTo(401);
    JsonObject doc = call(HttpMethod.GET, "/openapi.json", null, null).bodyAsJsonObject();
    assertThat(doc.getJsonObject("paths").getJsonObject("/console-config").getJsonObject("get").getJsonArray("security")).isEmpty();
  }

  @Test
  void static_files_answer_head_like_get_without_a_body() {
    for (String path : List.of("/", "/js/main.js", "/console.css", "/vendor/uplot/uPlot.esm.js")) {
      HttpResponse<Buffer> get = web.get(management.port(), "127.0.0.1", path).send().await();
      HttpResponse<Buffer> head = web.head(management.port(), "127.0.0.1", path).send().await();
      assertThat(get.statusCode()).as("GET " + path).isEqualTo(200);
      assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
      assertThat(head.getHeader("Content-Type")).as(path).isEqualTo(get.getHeader("Content-Type"));
      assertThat(head.getHeader("Content-Length")).as(path).isEqualTo(String.valueOf(get.body().length()));
      assertThat(head.getHeader("Content-Security-Policy")).as(path).isEqualTo(get.getHeader("Content-Security-Policy"));
      assertThat(head.body()).as("HEAD " + path + " has no body").isNull();
    }
    HttpResponse<Buffer> missing = web.head(management.port(), "127.0.0.1", "/js/no-such-file.js").send().await();
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void principals_are_listed_for_administrators_only() {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/principals?limit=100", ADMIN_KEY, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("subject")))
        .contains("alice", "bob");
    assertThat(call(HttpMethod.GET, "/principals", alice, null).statusCode()).isEqualTo(403);
  }

  @Test
  void the_audit_trail_filters_by_type_prefix_actor_and_window() {
    String id = preset(alice, slug("audited"), "private").getString("id");
    assertThat(call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("name", "Renamed")).statusCode()).isEqualTo(200);
    assertThat(call(HttpMethod.PATCH, "/presets/" + id, ADMIN_KEY, new JsonObject().put("name", "Renamed again")).statusCode()).isEqualTo(200);
    java.util.function.Function<String, List<String>> types = query -> {
      HttpResponse<Buffer> r = call(HttpMethod.GET, "/presets/" + id + "/events" + query, alice, null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      return r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("type")).toList();
    };
    assertThat(types.apply("")).containsExactly("preset.updated", "preset.updated", "preset.created");
    assertThat(types.apply("?type=preset.upd")).containsExactly("preset.updated", "preset.updated");
    assertThat(types.apply("?type=preset.created")).containsExactly("preset.created");
    assertThat(types.apply("?type=preset_")).as("LIKE wildcards in the prefix are literal").isEmpty();
    assertThat(types.apply("?actorId=" + aliceId)).containsExactly("preset.updated", "preset.created");
    assertThat(types.apply("?from=2100-01-01T00:00:00Z")).isEmpty();
    assertThat(types.apply("?to=2000-01-01T00:00:00Z")).isEmpty();
    assertThat(types.apply("?type=preset.updated&limit=1")).hasSize(1);
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/events?actorId=alice", alice, null))).containsExactly("actorId");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/events?from=today", alice, null))).containsExactly("from");
  }

  @Test
  void a_server_reports_its_circuit_and_its_own_audit_trail() {
    JsonObject server = fixtureServer();
    String id = server.getString("id");
    HttpResponse<Buffer> status = call(HttpMethod.GET, "/servers/" + id + "/status", ADMIN_KEY, null);
    assertThat(status.statusCode()).as(status.bodyAsString()).isEqualTo(200);
    assertThat(status.bodyAsJsonObject().getString("circuit")).isEqualTo("closed");
    assertThat(status.bodyAsJsonObject().getString("serverId")).isEqualTo(id);
    // Gateway instances note their open breakers node-wide: any instance answers for all of them.
    var circuits = vertx.sharedData().<String, String>getLocalMap("mgw.upstream.circuits");
    circuits.put(id + "/another-instance", "open");
    try {
      JsonObject open = call(HttpMethod.GET, "/servers/" + id + "/status", ADMIN_KEY, null).bodyAsJsonObject();
      assertThat(open.getString("circuit")).isEqualTo("open");
      assertThat(open.getInteger("openInstances")).isEqualTo(1);
    } finally {
      circuits.remove(id + "/another-instance");
    }
    assertThat(call(HttpMethod.PATCH, "/servers/" + id, ADMIN_KEY, new JsonObject().put("name", "Renamed")).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> events = call(HttpMethod.GET, "/servers/" + id + "/events?type=server.", ADMIN_KEY, null);
    assertThat(events.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("type")))
        .containsExactly("server.updated", "server.created");
    assertThat(call(HttpMethod.GET, "/servers/" + id + "/status", alice, null).statusCode()).as("not alice's server").isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/servers/" + id + "/events", alice, null).statusCode()).isEqualTo(404);
  }

  @Test
  void the_global_audit_trail_shows_admins_everything_and_others_their_own_changes() {
    String id = preset(alice, slug("trail"), "private").getString("id");
    JsonObject server = fixtureServer();
    java.util.function.BiFunction<String, String, HttpResponse<Buffer>> trail = (key, query) ->
        call(HttpMethod.GET, "/audit-events" + query, key, null);
    List<Object> all = trail.apply(ADMIN_KEY, "?limit=100").bodyAsJsonObject().getJsonArray("items").getList();
    assertThat(all).isNotEmpty();
    JsonArray servers = trail.apply(ADMIN_KEY, "?aggregateType=server&limit=100").bodyAsJsonObject().getJsonArray("items");
    assertThat(servers.stream().map(o -> ((JsonObject) o).getString("aggregateType"))).containsOnly("server");
    assertThat(servers.stream().map(o -> ((JsonObject) o).getString("aggregateId"))).contains(server.getString("id"));
    JsonArray onePreset = trail.apply(ADMIN_KEY, "?aggregateType=preset&aggregateId=" + id).bodyAsJsonObject().getJsonArray("items");
    assertThat(onePreset.stream().map(o -> ((JsonObject) o).getString("type"))).containsExactly("preset.created");
    // Alice sees her own changes only, never the admin's.
    JsonArray hers = trail.apply(alice, "?limit=100").bodyAsJsonObject().getJsonArray("items");
    assertThat(hers.stream().map(o -> ((JsonObject) o).getString("actorId"))).containsOnly(aliceId);
    assertThat(hers.stream().map(o -> ((JsonObject) o).getString("aggregateId"))).contains(id).doesNotContain(server.getString("id"));
    String adminId = call(HttpMethod.GET, "/me", ADMIN_KEY, null).bodyAsJsonObject().getString("id");
    assertThat(trail.apply(alice, "?actorId=" + adminId).statusCode()).isEqualTo(403);
    assertThat(fields(trail.apply(ADMIN_KEY, "?aggregateType=bogus"))).containsExactly("aggregateType");
  }
}
