package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.bus.ServerChanged;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults against a whole node: PostgreSQL going away (on a private embedded instance, never the shared one)
 * and a shutdown with tool calls in flight.
 */
class OutageAndShutdownTest {
  private static final String ADMIN = "outage-admin-" + UUID.randomUUID();
  private static Vertx client;
  private static WebClient web;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterAll
  static void stop() {
    client.close().await();
  }

  private static JsonObject settings(Path dir) {
    return new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0").put("MGW_MANAGEMENT_PORT", "0")
        .put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dir.toString()).put("MGW_ADMIN_API_KEY", ADMIN)
        .put("MGW_DB_TIMEOUT", "2s");
  }

  private static HttpRequest<Buffer> api(Node node, HttpMethod method, String path) {
    return web.request(method, node.managementPort(), "127.0.0.1", "/api/v1" + path).putHeader("Authorization", "Bearer " + ADMIN);
  }

  /** A public preset linked to the upstream, made through the management API; returns {slug, presetId, serverId}. */
  private static String[] publicPreset(Node node, HttpFixtureServer upstream) {
    HttpResponse<Buffer> server = api(node, HttpMethod.POST, "/servers").sendJsonObject(new JsonObject()
        .put("slug", "up-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Up")
        .put("transport", "streamable_http").put("url", upstream.url())).await();
    assertThat(server.statusCode()).as(server.bodyAsString()).isEqualTo(201);
    String slug = "pub-" + UUID.randomUUID().toString().substring(0, 6);
    HttpResponse<Buffer> preset = api(node, HttpMethod.POST, "/presets").sendJsonObject(new JsonObject()
        .put("slug", slug).put("name", "Pub").put("visibility", "public")).await();
    assertThat(preset.statusCode()).isEqualTo(201);
    String presetId = preset.bodyAsJsonObject().getString("id");
    String serverId = server.bodyAsJsonObject().getString("id");
    assertThat(api(node, HttpMethod.PUT, "/presets/" + presetId + "/servers/" + serverId).sendJsonObject(new JsonObject())
        .await().statusCode()).isEqualTo(200);
    return new String[] {slug, presetId, serverId};
  }

  private static HttpResponse<Buffer> mcp(Node node, String slug, String session, JsonObject message) {
    var request = web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + slug).putHeader("Accept", "application/json, text/event-stream")
        .timeout(30_000);
    if (session != null) {
      request.putHeader("Mcp-Session-Id", session);
    }
    return request.sendJsonObject(message).await();
  }

  private static String initialize(Node node, String slug) {
    HttpResponse<Buffer> r = mcp(node, slug, null, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "t").put("version", "1"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.getHeader("Mcp-Session-Id");
  }

  private static JsonObject call(String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  @Test
  void while_postgresql_is_down_presets_serve_from_the_last_known_configuration_and_unknown_ones_get_503(@TempDir Path dir) {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("private-pg").toString());
    var pg = db.settings("public", 4, Duration.ofSeconds(2));
    // Two gateway instances: the last known configuration must serve whichever instance a request lands on.
    Node node = Node.start(settings(dir).put("MGW_PG_URL", "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres")
        .put("MGW_GATEWAY_INSTANCES", "2"));
    boolean dbStopped = false;
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("outage")) {
      String[] p = publicPreset(node, upstream);
      String session = initialize(node, p[0]);
      assertThat(mcp(node, p[0], session, call("echo", new JsonObject().put("text", "before"))).bodyAsJsonObject()
          .getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("outage:echo: before");

      db.close();
      dbStopped = true;
      // What cache expiry would do after 30-60 s: the gateway forgets the preset, the server and the catalog.
      node.vertx().eventBus().publish(Addresses.PRESET_CHANGED,
          new PresetChanged(UUID.fromString(p[1]), p[0], Change.UPDATED).toJson());
      node.vertx().eventBus().publish(Addresses.SERVER_CHANGED,
          new ServerChanged(UUID.fromString(p[2]), Change.UPDATED).toJson());
      // (local bus messages reach the gateway's event loop before the next HTTP request does)

      String during = initialize(node, p[0]);
      HttpResponse<Buffer> echoed = mcp(node, p[0], during, call("echo", new JsonObject().put("text", "during")));
      assertThat(echoed.statusCode()).as(echoed.bodyAsString()).isEqualTo(200);
      assertThat(echoed.bodyAsJsonObject().getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
          .isEqualTo("outage:echo: during");

      HttpResponse<Buffer> unknown = mcp(node, "never-seen-" + UUID.randomUUID().toString().substring(0, 6), null,
          new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
              .put("params", new JsonObject().put("protocolVersion", "2025-11-25")));
      assertThat(unknown.statusCode()).as(unknown.bodyAsString()).isEqualTo(503);
      assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("cannot reach its configuration database");
    } finally {
      node.stop();
      if (!dbStopped) {
        db.close();
      }
    }
  }

  @Test
  void shutdown_lets_tool_calls_in_flight_finish_and_records_them(@TempDir Path dir) throws Exception {
    String schema = TestServices.freshSchema("drain");
    Node node = Node.start(settings(dir).put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)
        .put("MGW_SHUTDOWN_GRACE", "10s"));
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("drain")) {
      String[] p = publicPreset(node, upstream);
      String session = initialize(node, p[0]);
      int calls = 4;
      java.util.List<Future<HttpResponse<Buffer>>> inFlight = new java.util.ArrayList<>();
      for (int i = 0; i < calls; i++) {
        inFlight.add(web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + p[0]).putHeader("Accept", "application/json, text/event-stream")
            .putHeader("Mcp-Session-Id", session).timeout(30_000)
            .sendJsonObject(call("slow", new JsonObject().put("ms", 2000)).put("id", 10 + i)));
      }
      Eventually.await("the slow calls to reach the upstream", Duration.ofSeconds(10),
          () -> upstream.seen().stream().filter(s -> s.body() != null && s.body().contains("\"slow\"")).count() == calls);
      node.stop(); // what SIGTERM runs (the shutdown hook)
      for (Future<HttpResponse<Buffer>> f : inFlight) {
        HttpResponse<Buffer> r = f.await();
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
            .as(r.bodyAsString()).isEqualTo("drain:slept");
      }
      try (var c = DriverManager.getConnection(TestServices.jdbcUrl(), "postgres", "");
          var st = c.prepareStatement("SELECT count(*) FROM " + schema + ".tool_call_metrics WHERE preset_id = ?::uuid AND ok")) {
        st.setString(1, p[1]);
        var rs = st.executeQuery();
        rs.next();
        assertThat(rs.getLong(1)).as("calls finished in the grace are recorded").isEqualTo(calls);
      }
    } finally {
      TestServices.dropSchema(schema);
    }
  }
}
