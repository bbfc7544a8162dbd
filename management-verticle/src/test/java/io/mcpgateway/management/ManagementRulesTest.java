package io.mcpgateway.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API's rules at their edges, over real HTTP and PostgreSQL, with no gateway or metrics
 * verticle on the bus (so bus requests have no handler unless a test registers one).
 */
class ManagementRulesTest {
  private static final String ADMIN_KEY = "rules-admin-key-" + UUID.randomUUID();
  private static Vertx vertx;
  private static Pool pool;
  private static PgSettings pg;
  private static SecretBox box;
  private static ManagementVerticle management;
  private static ManagementVerticle allowListed;
  private static WebClient web;
  private static String alice;
  private static String aliceId;
  private static String bob;
  private static String bobId;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    String schema = TestServices.freshSchema("mgmtrules");
    pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    pool = Database.pool(vertx, pg);
    box = SecretBox.fromBase64(SecretBox.generateKey());
    management = deploy(new JsonObject());
    allowListed = deploy(new JsonObject().put("MGW_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.0/8,intranet.invalid"));
    web = WebClient.create(vertx);
    aliceId = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", "alice"))).getString("id");
    alice = created(call(HttpMethod.POST, "/api-keys", ADMIN_KEY, new JsonObject().put("name", "a").put("principalId", aliceId))).getString("key");
    bobId = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", "bob"))).getString("id");
    bob = created(call(HttpMethod.POST, "/api-keys", ADMIN_KEY, new JsonObject().put("name", "b").put("principalId", bobId))).getString("key");
  }

  private static ManagementVerticle deploy(JsonObject extra) {
    GatewayConfig config = ConfigLoader.load(vertx, new JsonObject()
        .put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0").put("MGW_MANAGEMENT_PORT", "0")
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", pg.schema())
        .put("MGW_ADMIN_API_KEY", ADMIN_KEY).mergeIn(extra)).await();
    var verticle = new ManagementVerticle(new NodeSettings(config, pg, box));
    vertx.deployVerticle(verticle).await();
    return verticle;
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestServices.dropSchema(pg.schema());
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String key, JsonObject body) {
    return call(management, method, path, key, body);
  }

  private static HttpResponse<Buffer> call(ManagementVerticle target, HttpMethod method, String path, String key, JsonObject body) {
    return ApiCalls.call(web, target.port(), method, path, key, body);
  }

  private static JsonObject created(HttpResponse<Buffer> r) {
    return ApiCalls.created(r);
  }

  private static String slug(String base) {
    return ApiCalls.slug(base);
  }

  private static List<String> fields(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    List<String> out = new ArrayList<>();
    r.bodyAsJsonObject().getJsonArray("errors", new JsonArray()).forEach(e -> out.add(((JsonObject) e).getString("field")));
    return out;
  }

  private static JsonObject server(String key, String slug) {
    return new JsonObject().put("slug", slug).put("name", "S").put("transport", "streamable_http")
        .put("url", "https://93.184.215.14/mcp");
  }

  private static String preset(String key, String visibility) {
    return created(call(HttpMethod.POST, "/presets", key, new JsonObject().put("slug", slug("p")).put("name", "P")
        .put("visibility", visibility))).getString("id");
  }

  private static long auditCount(String aggregateId, String type) {
    return pool.preparedQuery("SELECT count(*) AS n FROM audit_events WHERE aggregate_id = $1 AND event_type = $2")
        .execute(Tuple.of(UUID.fromString(aggregateId), type)).await().iterator().next().getLong("n");
  }

  @Test
  void a_nul_character_in_any_text_field_is_a_clear_400_naming_the_field() {
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("nul")).put("name", "P\u0000")
        .put("visibility", "public")))).containsExactly("name");
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("nul")).put("name", "P")
        .put("description", "a\u0000b").put("visibility", "public")))).containsExactly("description");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("nul")).put("name", "\u0000")))).containsExactly("name");
    assertThat(fields(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "k\u0000")))).containsExactly("name");
    assertThat(fields(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", "s\u0000"))))
        .containsExactly("subject");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("nul"))
        .put("headers", new JsonObject().put("X-A", "v\u0000"))))).containsExactly("headers.X-A");
    String id = preset(alice, "public");
    assertThat(fields(call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("name", "x\u0000"))))
        .containsExactly("name");
  }

  @Test
  void preset_metadata_must_be_an_object_and_huge_rate_limits_are_reported_as_sent() {
    for (Object bad : new Object[] {"text", 42, new JsonArray().add(1), true}) {
      assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("meta")).put("name", "P")
          .put("visibility", "public").put("metadata", bad)))).as(String.valueOf(bad)).containsExactly("metadata");
    }
    assertThat(created(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("meta")).put("name", "P")
        .put("visibility", "public").put("metadata", new JsonObject().put("team", "x")))).getJsonObject("metadata"))
        .isEqualTo(new JsonObject().put("team", "x"));
    HttpResponse<Buffer> huge = web.post(management.port(), "127.0.0.1", "/api/v1/presets")
        .putHeader("Authorization", "Bearer " + alice).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"slug\":\"" + slug("big") + "\",\"name\":\"P\",\"visibility\":\"public\","
            + "\"rateLimitPerMinute\":9223372036854775808}")).await();
    assertThat(fields(huge)).containsExactly("rateLimitPerMinute");
    assertThat(huge.bodyAsString()).contains("9223372036854775808").doesNotContain("(got 0)");
  }

  @Test
  void repeated_rejected_credentials_from_one_address_are_throttled() {
    ManagementVerticle own = deploy(new JsonObject());
    for (int i = 0; i < io.mcpgateway.management.ManagementVerticle.LOGIN_MAX_FAILURES; i++) {
      assertThat(call(own, HttpMethod.GET, "/presets", "mgw_wrongwrongwrong" + i, null).statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> throttled = call(own, HttpMethod.GET, "/presets", "mgw_wrongwrongwrong", null);
    assertThat(throttled.statusCode()).as(throttled.bodyAsString()).isEqualTo(429);
    assertThat(throttled.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(Integer.parseInt(throttled.getHeader("Retry-After"))).isBetween(1, 60);
    // Even a good key is refused from that address until the window ends (guessing must not pay off).
    assertThat(call(own, HttpMethod.GET, "/presets", alice, null).statusCode()).isEqualTo(429);
    // The throttle is per listener instance here, so the main verticle still answers this address.
    assertThat(call(HttpMethod.GET, "/presets", alice, null).statusCode()).isEqualTo(200);
  }

  @Test
  void server_fields_are_checked_at_each_boundary() {
    assertThat(call(HttpMethod.POST, "/servers", alice, server(alice, "abc")).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.POST, "/servers", alice, server(alice, "s" + "x".repeat(49)).put("name", "n".repeat(100))
        .put("description", "d".repeat(500))).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.POST, "/servers", alice, server(alice, slug("one")).put("name", "n")).statusCode()).isEqualTo(201);
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, "ab")))).containsExactly("slug");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, "s" + "x".repeat(50))))).containsExactly("slug");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("n")).put("name", "")))).containsExactly("name");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("n")).put("name", "n".repeat(101)))))
        .containsExactly("name");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("d")).put("description", "d".repeat(501)))))
        .containsExactly("description");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, new JsonObject().put("slug", "A!").put("name", "")
        .put("transport", "carrier-pigeon")))).as("every invalid field at once").containsExactlyInAnyOrder("slug", "name", "transport");
    assertThat(fields(call(HttpMethod.POST, "/servers", alice, server(alice, slug("u")).put("url", "ftp://example.com/"))))
        .containsExactly("url");
  }

  @Test
  void preset_fields_are_checked_at_each_boundary_and_reported_together() {
    assertThat(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", "p" + UUID.randomUUID().toString().substring(0, 2))
        .put("name", "n").put("visibility", "public")).statusCode()).as("3-character slug, 1-character name").isEqualTo(201);
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", "a".repeat(51)).put("name", "")
        .put("visibility", "secret")))).containsExactlyInAnyOrder("slug", "name", "visibility");
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", slug("r")).put("name", "n")
        .put("visibility", "public").put("rateLimitPerMinute", 0)))).containsExactly("rateLimitPerMinute");
    String id = preset(alice, "private");
    assertThat(fields(call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("status", "deleted"))))
        .containsExactly("status");
    assertThat(call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("status", "archived"))
        .bodyAsJsonObject().getString("status")).isEqualTo("archived");
  }

  @Test
  void another_users_server_is_not_found_anywhere() {
    String id = created(call(HttpMethod.POST, "/servers", alice, server(alice, slug("own")))).getString("id");
    assertThat(call(HttpMethod.GET, "/servers/" + id, bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.PATCH, "/servers/" + id, bob, new JsonObject().put("name", "x")).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/servers/" + id + "/tools", bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/servers/" + id, bob, null).statusCode()).isEqualTo(404);
    String bobsPreset = preset(bob, "private");
    assertThat(call(HttpMethod.PUT, "/presets/" + bobsPreset + "/servers/" + id, bob, new JsonObject()).statusCode())
        .as("bob cannot link alice's server").isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/servers?limit=100", bob, null).bodyAsString()).doesNotContain(id);
    assertThat(call(HttpMethod.GET, "/servers/" + id, ADMIN_KEY, null).statusCode()).as("admins see all").isEqualTo(200);
    assertThat(call(HttpMethod.DELETE, "/servers/" + id, alice, null).statusCode()).isEqualTo(204);
    assertThat(auditCount(id, "server.deleted")).isEqualTo(1);
  }

  @Test
  void the_private_network_allow_list_exempts_its_ranges_and_hosts_only() {
    JsonObject loopback = server(alice, slug("lo")).put("url", "http://127.0.0.1:9/mcp");
    assertThat(call(HttpMethod.POST, "/servers", alice, loopback).statusCode()).isEqualTo(403);
    assertThat(call(allowListed, HttpMethod.POST, "/servers", alice, loopback).statusCode()).isEqualTo(201);
    assertThat(call(allowListed, HttpMethod.POST, "/servers", alice, server(alice, slug("in")).put("url", "http://intranet.invalid/mcp"))
        .statusCode()).as("an allow-listed host needs no DNS").isEqualTo(201);
    HttpResponse<Buffer> other = call(allowListed, HttpMethod.POST, "/servers", alice, server(alice, slug("ten")).put("url", "http://10.0.0.1/mcp"));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.bodyAsJsonObject().getString("detail")).contains("10.0.0.1").contains("only administrators");
    HttpResponse<Buffer> unresolvable = call(HttpMethod.POST, "/servers", alice, server(alice, slug("nx")).put("url", "http://no-such-host.invalid/mcp"));
    assertThat(unresolvable.statusCode()).isEqualTo(422);
    assertThat(unresolvable.bodyAsJsonObject().getString("detail")).contains("does not resolve");
    String id = created(call(HttpMethod.POST, "/servers", alice, server(alice, slug("move")))).getString("id");
    assertThat(call(HttpMethod.PATCH, "/servers/" + id, alice, new JsonObject().put("url", "http://192.168.0.10/mcp")).statusCode())
        .as("a PATCH cannot move a server onto a private network").isEqualTo(403);
    assertThat(call(HttpMethod.PATCH, "/servers/" + id, alice, new JsonObject().put("transport", "stdio").put("url", null)
        .put("command", "sh")).statusCode()).as("nor turn it into a stdio server").isEqualTo(403);
  }

  @Test
  void sending_back_masked_secrets_keeps_the_stored_ones_and_new_values_replace_them() {
    JsonObject created = created(call(HttpMethod.POST, "/servers", alice, server(alice, slug("sec"))
        .put("headers", new JsonObject().put("Authorization", "Bearer first-secret-123").put("X-Team", "platform-team"))));
    String id = created.getString("id");
    var store = new UpstreamServerStore(box);
    JsonObject read = call(HttpMethod.GET, "/servers/" + id, alice, null).bodyAsJsonObject();
    assertThat(read.encode()).doesNotContain("first-secret-123").doesNotContain("platform-team");
    HttpResponse<Buffer> echoed = call(HttpMethod.PATCH, "/servers/" + id, alice, read.copy().put("name", "Echoed"));
    assertThat(echoed.statusCode()).as(echoed.bodyAsString()).isEqualTo(200);
    assertThat(store.findById(pool, UUID.fromString(id)).await().orElseThrow().secrets().headers())
        .containsEntry("Authorization", "Bearer first-secret-123").containsEntry("X-Team", "platform-team");
    call(HttpMethod.PATCH, "/servers/" + id, alice, new JsonObject().put("headers", new JsonObject()
        .put("Authorization", "Bearer second-secret-456")));
    assertThat(store.findById(pool, UUID.fromString(id)).await().orElseThrow().secrets().headers())
        .containsExactlyEntriesOf(java.util.Map.of("Authorization", "Bearer second-secret-456"));
    String raw = pool.preparedQuery("SELECT encode(secrets, 'escape') AS s FROM upstream_servers WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(id))).await().iterator().next().getString("s");
    assertThat(raw).doesNotContain("second-secret-456").doesNotContain("Authorization");
  }

  @Test
  void every_host_form_a_resolver_reads_as_a_private_address_is_refused_to_non_admins() {
    for (String url : List.of("http://0177.0.0.1/mcp", "http://0x7f.0.0.1/mcp", "http://2130706433/mcp", "http://127.1/mcp",
        "http://127.0.0.1./mcp", "http://0251.0376.0251.0376/latest/meta-data", "http://[::ffff:127.0.0.1]/mcp",
        "http://localhost./mcp")) {
      HttpResponse<Buffer> refused = call(HttpMethod.POST, "/servers", alice, server(alice, slug("oct")).put("url", url));
      // 403 names the private address; 400: java.net.URI finds no host in it at all (e.g. 0x7f.0.0.1). Never 201.
      assertThat(refused.statusCode()).as(url + ": " + refused.bodyAsString()).isIn(400, 403);
    }
    HttpResponse<Buffer> admin = call(HttpMethod.POST, "/servers", ADMIN_KEY, server(ADMIN_KEY, slug("adm")).put("url", "http://0177.0.0.1/mcp"));
    assertThat(admin.statusCode()).as("admins may").isEqualTo(201);
  }

  @Test
  void a_url_change_requires_the_stored_header_values_again() {
    JsonObject created = created(call(HttpMethod.POST, "/servers", alice, server(alice, slug("mv"))
        .put("headers", new JsonObject().put("Authorization", "Bearer moving-secret-1").put("X-Team", "team-value-22"))));
    String id = created.getString("id");
    var store = new UpstreamServerStore(box);
    JsonObject read = call(HttpMethod.GET, "/servers/" + id, alice, null).bodyAsJsonObject();
    String elsewhere = "http://93.184.215.14/mcp";
    for (JsonObject patch : List.of(read.copy().put("url", elsewhere), new JsonObject().put("url", elsewhere))) {
      HttpResponse<Buffer> moved = call(HttpMethod.PATCH, "/servers/" + id, alice, patch);
      assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(422);
      assertThat(moved.bodyAsJsonObject().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
          .containsExactly("headers.Authorization", "headers.X-Team");
      assertThat(moved.bodyAsJsonObject().getString("detail")).contains("url changes").doesNotContain("moving-secret-1");
    }
    assertThat(store.findById(pool, UUID.fromString(id)).await().orElseThrow().url()).isNotEqualTo(elsewhere);
    // Sending the values again (or dropping them) moves it.
    HttpResponse<Buffer> resent = call(HttpMethod.PATCH, "/servers/" + id, alice, new JsonObject().put("url", elsewhere)
        .put("headers", new JsonObject().put("Authorization", "Bearer moving-secret-1")));
    assertThat(resent.statusCode()).as(resent.bodyAsString()).isEqualTo(200);
    assertThat(store.findById(pool, UUID.fromString(id)).await().orElseThrow().secrets().headers())
        .containsExactlyEntriesOf(java.util.Map.of("Authorization", "Bearer moving-secret-1"));
    // A PATCH that keeps the URL still keeps the masked values.
    JsonObject again = call(HttpMethod.GET, "/servers/" + id, alice, null).bodyAsJsonObject();
    assertThat(call(HttpMethod.PATCH, "/servers/" + id, alice, again.copy().put("name", "same url")).statusCode()).isEqualTo(200);
  }

  @Test
  void every_list_pages_with_limit_and_cursor() {
    String carolId = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", slug("carol")))).getString("id");
    String carol = created(call(HttpMethod.POST, "/api-keys", ADMIN_KEY, new JsonObject().put("name", "c").put("principalId", carolId))).getString("key");
    String presetId = null;
    for (int i = 0; i < 5; i++) {
      presetId = preset(carol, "invite_only");
      created(call(HttpMethod.POST, "/servers", carol, server(carol, slug("pg"))));
      created(call(HttpMethod.POST, "/api-keys", carol, new JsonObject().put("name", "k" + i)));
      call(HttpMethod.PATCH, "/presets/" + presetId, carol, new JsonObject().put("name", "renamed " + i));
    }
    for (int i = 0; i < 5; i++) {
      String principal = created(call(HttpMethod.POST, "/principals", ADMIN_KEY, new JsonObject().put("subject", slug("g")))).getString("id");
      created(call(HttpMethod.POST, "/presets/" + presetId + "/access", carol, new JsonObject().put("principalId", principal)));
    }
    for (int i = 0; i < 4; i++) {
      call(HttpMethod.PATCH, "/presets/" + presetId, carol, new JsonObject().put("description", "v" + i));
    }
    assertThat(walk(carol, "/presets")).hasSize(5);
    assertThat(walk(carol, "/servers")).hasSize(5);
    assertThat(walk(carol, "/api-keys")).hasSize(6);
    assertThat(walk(carol, "/presets/" + presetId + "/access")).hasSize(5);
    List<JsonObject> events = walk(carol, "/presets/" + presetId + "/events");
    assertThat(events).hasSize(11); // created, renamed, 5 grants, 4 description changes
    assertThat(events.get(0).getString("type")).as("newest first").isEqualTo("preset.updated");
    assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("preset.created");
    assertThat(fields(call(HttpMethod.GET, "/presets?limit=abc", carol, null))).containsExactly("limit");
    assertThat(call(HttpMethod.GET, "/presets?cursor=not-a-cursor", carol, null).statusCode()).isEqualTo(400);
  }

  /** Follows nextCursor with pages of 2 and checks no item repeats. */
  private static List<JsonObject> walk(String key, String path) {
    List<JsonObject> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> r = call(HttpMethod.GET, path + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), key, null);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(2);
      items.forEach(o -> {
        JsonObject item = (JsonObject) o;
        assertThat(seen.add(item.encode())).as("no repeats in %s", path).isTrue();
        all.add(item);
      });
      cursor = r.bodyAsJsonObject().getString("nextCursor");
      assertThat(++pages).isLessThan(20);
    } while (cursor != null);
    return all;
  }

  @Test
  void bus_messages_go_out_only_after_the_change_is_committed() {
    List<Boolean> visibleAtDelivery = new CopyOnWriteArrayList<>();
    List<String> slugs = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.PRESET_CHANGED, m -> {
      slugs.add(m.body().getString("slug"));
      // Another connection must already see the row: the message was published after COMMIT.
      pool.preparedQuery("SELECT 1 FROM presets WHERE id = $1").execute(Tuple.of(UUID.fromString(m.body().getString("presetId"))))
          .onSuccess(rows -> visibleAtDelivery.add(rows.size() == 1));
    });
    consumer.completion().await();
    try {
      String s = slug("bus");
      created(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", s).put("name", "n").put("visibility", "public")));
      assertThat(call(HttpMethod.POST, "/presets", bob, new JsonObject().put("slug", s).put("name", "n").put("visibility", "public"))
          .statusCode()).isEqualTo(409);
      Eventually.await("the created message", Duration.ofSeconds(5), () -> visibleAtDelivery.size() >= 1);
      assertThat(visibleAtDelivery).containsOnly(true);
      assertThat(slugs).as("the failed create published nothing").containsExactly(s);
    } finally {
      consumer.unregister().await();
    }
  }

  @Test
  void failed_changes_leave_no_audit_event_and_no_message() {
    List<JsonObject> messages = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.PRESET_CHANGED, m -> messages.add(m.body()));
    consumer.completion().await();
    try {
      String taken = slug("taken");
      created(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", taken).put("name", "n").put("visibility", "public")));
      String id = preset(alice, "public");
      HttpResponse<Buffer> clash = call(HttpMethod.PATCH, "/presets/" + id, alice, new JsonObject().put("slug", taken));
      assertThat(clash.statusCode()).isEqualTo(409);
      assertThat(clash.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(auditCount(id, "preset.updated")).isZero();

      String full = preset(ADMIN_KEY, "public");
      for (int i = 0; i < 20; i++) {
        String s = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, server(ADMIN_KEY, slug("f" + i)))).getString("id");
        assertThat(call(HttpMethod.PUT, "/presets/" + full + "/servers/" + s, ADMIN_KEY, new JsonObject()).statusCode()).isEqualTo(200);
      }
      String extra = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, server(ADMIN_KEY, slug("f21")))).getString("id");
      Eventually.await("20 link messages", Duration.ofSeconds(5),
          () -> messages.stream().filter(m -> full.equals(m.getString("presetId"))).count() == 21);
      HttpResponse<Buffer> rule = call(HttpMethod.PUT, "/presets/" + full + "/servers/" + extra, ADMIN_KEY, new JsonObject());
      assertThat(rule.statusCode()).isEqualTo(422);
      assertThat(auditCount(full, "preset.server_linked")).isEqualTo(20);
      HttpResponse<Buffer> linked = call(HttpMethod.DELETE, "/servers/" + extra, ADMIN_KEY, null);
      assertThat(linked.statusCode()).as("an unlinked server can go").isEqualTo(204);
      String inUse = call(HttpMethod.GET, "/presets/" + full, ADMIN_KEY, null).bodyAsJsonObject().getJsonArray("servers")
          .getJsonObject(0).getString("serverId");
      assertThat(call(HttpMethod.DELETE, "/servers/" + inUse, ADMIN_KEY, null).statusCode()).as("a linked server stays").isEqualTo(409);
      assertThat(auditCount(inUse, "server.deleted")).isZero();

      // Give a wrongly published message time to arrive behind a correct one, then count.
      String marker = preset(ADMIN_KEY, "public");
      Eventually.await("the marker message", Duration.ofSeconds(5), () -> messages.stream().anyMatch(m -> marker.equals(m.getString("presetId"))));
      assertThat(messages.stream().filter(m -> full.equals(m.getString("presetId"))).count()).isEqualTo(21);
      assertThat(messages.stream().filter(m -> id.equals(m.getString("presetId"))).count()).as("only the create").isEqualTo(1);
    } finally {
      consumer.unregister().await();
    }
  }

  @Test
  void concurrent_links_never_take_a_preset_past_20_servers() {
    String id = preset(ADMIN_KEY, "public");
    for (int i = 0; i < 18; i++) {
      String s = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, server(ADMIN_KEY, slug("c" + i)))).getString("id");
      assertThat(call(HttpMethod.PUT, "/presets/" + id + "/servers/" + s, ADMIN_KEY, new JsonObject()).statusCode()).isEqualTo(200);
    }
    List<io.vertx.core.Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String s = created(call(HttpMethod.POST, "/servers", ADMIN_KEY, server(ADMIN_KEY, slug("r" + i)))).getString("id");
      attempts.add(web.put(management.port(), "127.0.0.1", "/api/v1/presets/" + id + "/servers/" + s)
          .putHeader("Authorization", "Bearer " + ADMIN_KEY).sendJsonObject(new JsonObject()));
    }
    io.vertx.core.Future.join(attempts).await();
    assertThat(attempts.stream().map(f -> f.result().statusCode()).sorted().toList()).containsExactly(200, 200, 422, 422, 422);
    assertThat(call(HttpMethod.GET, "/presets/" + id, ADMIN_KEY, null).bodyAsJsonObject().getJsonArray("servers")).hasSize(20);
    assertThat(auditCount(id, "preset.server_linked")).isEqualTo(20);
  }

  @Test
  void of_concurrent_server_registrations_with_one_slug_exactly_one_wins() {
    String s = slug("same");
    List<io.vertx.core.Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      attempts.add(web.post(management.port(), "127.0.0.1", "/api/v1/servers").putHeader("Authorization", "Bearer " + (i % 2 == 0 ? alice : bob))
          .sendJsonObject(server(alice, s)));
    }
    io.vertx.core.Future.join(attempts).await();
    assertThat(attempts.stream().map(f -> f.result().statusCode()).sorted().toList()).containsExactly(201, 409, 409, 409, 409, 409);
    long audits = pool.preparedQuery("SELECT count(*) AS n FROM audit_events WHERE event_type = 'server.created' AND data->'after'->>'slug' = $1")
        .execute(Tuple.of(s)).await().iterator().next().getLong("n");
    assertThat(audits).isEqualTo(1);
  }

  @Test
  void stats_validate_the_window_and_forward_it_to_the_metrics_service() {
    String id = preset(alice, "private");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?from=yesterday", alice, null))).containsExactly("from");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?bucket=week", alice, null))).containsExactly("bucket");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", alice, null)))
        .containsExactly("from");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z&bucket=minute",
        alice, null))).containsExactly("bucket");
    assertThat(fields(call(HttpMethod.GET, "/presets/" + id + "/stats?from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z&bucket=day",
        alice, null))).containsExactly("to");
    HttpResponse<Buffer> none = call(HttpMethod.GET, "/presets/" + id + "/stats", alice, null);
    assertThat(none.statusCode()).as("no metrics verticle deployed").isEqualTo(503);
    assertThat(none.getHeader("Content-Type")).isEqualTo("application/problem+json");
    List<JsonObject> requests = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> metrics = vertx.eventBus().consumer(Addresses.METRICS_STATS, m -> {
      requests.add(m.body());
      m.reply(new JsonObject().put("calls", 7));
    });
    metrics.completion().await();
    try {
      HttpResponse<Buffer> ok = call(HttpMethod.GET, "/presets/" + id + "/stats?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&bucket=day", alice, null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.bodyAsJsonObject().getInteger("calls")).isEqualTo(7);
      assertThat(requests).hasSize(1);
      assertThat(requests.get(0).getString("presetId")).isEqualTo(id);
      assertThat(requests.get(0).getString("from")).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(requests.get(0).getString("to")).isEqualTo("2026-01-02T00:00:00Z");
      assertThat(requests.get(0).getString("bucket")).isEqualTo("day");
      assertThat(requests.get(0).getInteger("v")).isEqualTo(1);
      assertThat(call(HttpMethod.GET, "/presets/" + id + "/stats", bob, null).statusCode()).isEqualTo(404);
      assertThat(requests).as("nothing forwarded for a caller who may not see the preset").hasSize(1);
    } finally {
      metrics.unregister().await();
    }
  }

  @Test
  void grants_apply_only_to_invite_only_presets_and_need_a_known_principal() {
    String priv = preset(alice, "private");
    HttpResponse<Buffer> pointless = call(HttpMethod.POST, "/presets/" + priv + "/access", alice, new JsonObject().put("principalId", bobId));
    assertThat(pointless.statusCode()).isEqualTo(422);
    assertThat(pointless.bodyAsJsonObject().getString("detail")).contains("invite_only");
    assertThat(auditCount(priv, "preset.access_granted")).isZero();
    String invite = preset(alice, "invite_only");
    assertThat(call(HttpMethod.POST, "/presets/" + invite + "/access", alice, new JsonObject().put("principalId", UUID.randomUUID().toString()))
        .statusCode()).isEqualTo(404);
    assertThat(fields(call(HttpMethod.POST, "/presets/" + invite + "/access", alice, new JsonObject().put("principalId", "bob"))))
        .containsExactly("principalId");
    assertThat(call(HttpMethod.POST, "/presets/" + invite + "/access", bob, new JsonObject().put("principalId", bobId)).statusCode())
        .as("bob cannot grant himself alice's preset").isEqualTo(404);
    assertThat(call(HttpMethod.GET, "/presets/" + invite + "/access", bob, null).statusCode()).isEqualTo(404);
    assertThat(call(HttpMethod.DELETE, "/presets/" + invite + "/access/" + bobId, alice, null).statusCode())
        .as("revoking what was never granted").isEqualTo(404);
  }

  @Test
  void the_openapi_document_is_self_consistent() {
    JsonObject doc = web.get(management.port(), "127.0.0.1", "/api/v1/openapi.json").send().await().bodyAsJsonObject();
    assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("/api/v1");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/components/schemas/");
      assertThat(schemas.containsKey(ref.substring("#/components/schemas/".length()))).as("%s resolves", ref).isTrue();
    }
    JsonObject paths = doc.getJsonObject("paths");
    assertThat(requestSchema(paths, schemas, "/servers", "post").getJsonArray("required").getList()).containsExactly("slug", "name", "transport");
    assertThat(requestSchema(paths, schemas, "/presets", "post").getJsonArray("required").getList()).containsExactly("slug", "name", "visibility");
    assertThat(requestSchema(paths, schemas, "/presets/{id}", "patch").containsKey("required")).as("PATCH takes any subset").isFalse();
    assertThat(requestSchema(paths, schemas, "/servers/{id}", "patch").containsKey("required")).isFalse();
    JsonArray linkParams = paths.getJsonObject("/presets/{id}/servers/{serverId}").getJsonObject("put").getJsonArray("parameters");
    assertThat(linkParams.stream().map(p -> ((JsonObject) p).getString("name")).toList()).containsExactly("id", "serverId");
    JsonArray listParams = paths.getJsonObject("/presets/{id}/events").getJsonObject("get").getJsonArray("parameters");
    assertThat(listParams.stream().map(p -> ((JsonObject) p).getString("name")).toList()).contains("limit", "cursor");
  }

  private static JsonObject requestSchema(JsonObject paths, JsonObject schemas, String path, String method) {
    String ref = paths.getJsonObject(path).getJsonObject(method).getJsonObject("requestBody").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema").getString("$ref");
    return schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static void collectRefs(Object node, List<String> out) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if (e.getKey().equals("$ref")) {
          out.add((String) e.getValue());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, out));
    }
  }

  @Test
  void live_tool_views_answer_503_when_no_gateway_runs() {
    String server = created(call(HttpMethod.POST, "/servers", alice, server(alice, slug("t")))).getString("id");
    HttpResponse<Buffer> tools = call(HttpMethod.GET, "/servers/" + server + "/tools", alice, null);
    assertThat(tools.statusCode()).isEqualTo(503);
    assertThat(tools.bodyAsJsonObject().getString("detail")).contains("no gateway");
    assertThat(call(HttpMethod.GET, "/presets/" + preset(alice, "public") + "/tools", alice, null).statusCode()).isEqualTo(503);
  }

  @Test
  void oversized_and_malformed_bodies_get_problem_json() {
    HttpResponse<Buffer> big = web.post(management.port(), "127.0.0.1", "/api/v1/presets").putHeader("Authorization", "Bearer " + alice)
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")).await();
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(big.getHeader("Content-Type")).isEqualTo("application/problem+json");
    HttpResponse<Buffer> array = web.post(management.port(), "127.0.0.1", "/api/v1/presets").putHeader("Authorization", "Bearer " + alice)
        .sendBuffer(Buffer.buffer("[1,2]")).await();
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(array.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(fields(call(HttpMethod.POST, "/presets", alice, new JsonObject().put("slug", 42).put("name", "n").put("visibility", "public"))))
        .containsExactly("slug");
  }

  @Test
  void api_keys_can_expire_and_be_limited_to_presets_their_owner_can_use() {
    String own = preset(alice, "private");
    String bobsPrivate = preset(bob, "private");
    String expires = java.time.Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    JsonObject key = created(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "scoped")
        .put("presetIds", new JsonArray().add(own)).put("expiresAt", expires)));
    assertThat(key.getJsonArray("presetIds").getList()).containsExactly(own);
    assertThat(java.time.Instant.parse(key.getString("expiresAt"))).isEqualTo(java.time.Instant.parse(expires));
    assertThat(call(HttpMethod.GET, "/me", key.getString("key"), null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> escalation = call(HttpMethod.POST, "/api-keys", key.getString("key"), new JsonObject().put("name", "wider"));
    assertThat(escalation.statusCode()).as("a preset-scoped key cannot mint an unrestricted one").isEqualTo(403);
    assertThat(escalation.bodyAsJsonObject().getString("detail")).contains("limited to some presets");
    assertThat(call(HttpMethod.GET, "/presets", key.getString("key"), null).statusCode()).isEqualTo(403);
    assertThat(auditCount(key.getString("id"), "api_key.created")).isEqualTo(1);
    assertThat(fields(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "x")
        .put("presetIds", new JsonArray().add(own).add(bobsPrivate).add(UUID.randomUUID().toString())))))
        .containsExactly("presetIds[1]", "presetIds[2]");
    assertThat(fields(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "")))).containsExactly("name");
    assertThat(call(HttpMethod.POST, "/api-keys", alice, new JsonObject().put("name", "x").put("principalId", bobId)).statusCode())
        .as("only admins issue keys for others").isEqualTo(403);
    List<JsonObject> revoked = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.API_KEY_REVOKED, m -> revoked.add(m.body()));
    consumer.completion().await();
    try {
      assertThat(call(HttpMethod.DELETE, "/api-keys/" + key.getString("id"), alice, null).statusCode()).isEqualTo(204);
      Eventually.await("the revocation message", Duration.ofSeconds(5), () -> !revoked.isEmpty());
      assertThat(revoked.get(0).getString("keyId")).isEqualTo(key.getString("id"));
      assertThat(call(HttpMethod.GET, "/me", key.getString("key"), null).statusCode()).isEqualTo(401);
    } finally {
      consumer.unregister().await();
    }
  }
}
