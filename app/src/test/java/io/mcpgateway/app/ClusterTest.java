package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateway nodes in their own JVMs, clustered with Hazelcast over loopback, sharing PostgreSQL and Redis,
 * used with no affinity: whatever node a request reaches must serve it. The last test kills a node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private static final String ADMIN = "cluster-admin-" + UUID.randomUUID();
  private static String schema;
  private static GatewayProcess a;
  private static GatewayProcess b;
  private static HttpFixtureServer upstream;
  private static Vertx vertx;
  private static WebClient web;
  private static String serverId;
  private static HttpFixtureServer asker;
  private static String askerId;
  private static HttpFixtureServer watched;
  private static String watchedId;

  @BeforeAll
  static void start() throws IOException {
    schema = TestServices.freshSchema("cluster");
    upstream = HttpFixtureServer.streamable("up");
    int hzA = freePort();
    int hzB = freePort();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
    String key = SecretBox.generateKey();
    a = GatewayProcess.start("a", env(hzA, members, key, Files.createTempDirectory("mgw-a")), Duration.ofSeconds(90));
    // B starts once A is up, so it joins A's cluster instead of forming its own.
    b = GatewayProcess.start("b", env(hzB, members, key, Files.createTempDirectory("mgw-b")), Duration.ofSeconds(90));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    HttpResponse<Buffer> server = api(a, HttpMethod.POST, "/servers").sendJsonObject(new JsonObject()
        .put("slug", "up-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Up")
        .put("transport", "streamable_http").put("url", upstream.url())).await();
    assertThat(server.statusCode()).as(server.bodyAsString()).isEqualTo(201);
    serverId = server.bodyAsJsonObject().getString("id");
    asker = HttpFixtureServer.streamable("asker", json -> io.mcpgateway.testing.mcp.FixtureTools.clientFeatures(json, "asker:"));
    HttpResponse<Buffer> askerServer = api(a, HttpMethod.POST, "/servers").sendJsonObject(new JsonObject()
        .put("slug", "asker-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Asker")
        .put("transport", "streamable_http").put("url", asker.url())).await();
    assertThat(askerServer.statusCode()).as(askerServer.bodyAsString()).isEqualTo(201);
    askerId = askerServer.bodyAsJsonObject().getString("id");
    watched = HttpFixtureServer.withFeatures("watched", io.mcpgateway.testing.mcp.conformance.ConformanceFeatures::all);
    HttpResponse<Buffer> watchedServer = api(a, HttpMethod.POST, "/servers").sendJsonObject(new JsonObject()
        .put("slug", "watched-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Watched")
        .put("transport", "streamable_http").put("url", watched.url())).await();
    assertThat(watchedServer.statusCode()).as(watchedServer.bodyAsString()).isEqualTo(201);
    watchedId = watchedServer.bodyAsJsonObject().getString("id");
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    upstream.close();
    if (asker != null) {
      asker.close();
    }
    if (watched != null) {
      watched.close();
    }
    TestServices.dropSchema(schema);
  }

  private static Map<String, String> env(int hzPort, String members, String key, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("MGW_HTTP_HOST", "127.0.0.1");
    env.put("MGW_HTTP_PORT", "0");
    env.put("MGW_MANAGEMENT_PORT", "0");
    env.put("MGW_METRICS_PORT", "0");
    env.put("MGW_DATA_DIR", dataDir.toString());
    env.put("MGW_PG_URL", TestServices.pgUrl().toString());
    env.put("MGW_PG_SCHEMA", schema);
    env.put("MGW_PG_POOL_SIZE", "4");
    env.put("MGW_REDIS_URL", TestServices.redisUrl().toString());
    env.put("MGW_SECRET_KEY", key);
    env.put("MGW_ADMIN_API_KEY", ADMIN);
    env.put("MGW_CLUSTER", "true");
    env.put("MGW_CLUSTER_HOST", "127.0.0.1");
    env.put("MGW_CLUSTER_PORT", String.valueOf(hzPort));
    env.put("MGW_CLUSTER_MEMBERS", members);
    env.put("MGW_GATEWAY_INSTANCES", "2");
    env.put("MGW_SHUTDOWN_GRACE", "1s");
    return env;
  }

  /** Hazelcast cannot bind port 0 and announce it; take a port the OS just handed out. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static io.vertx.ext.web.client.HttpRequest<Buffer> api(GatewayProcess node, HttpMethod method, String path) {
    return web.request(method, node.managementPort(), "127.0.0.1", "/api/v1" + path).putHeader("Authorization", "Bearer " + ADMIN);
  }

  /** A public preset exposing the fixture's tools, made through node A's management API. */
  private static JsonObject preset(String name, Integer rateLimit) {
    JsonObject body = new JsonObject().put("slug", name + "-" + UUID.randomUUID().toString().substring(0, 6))
        .put("name", name).put("visibility", "public");
    if (rateLimit != null) {
      body.put("rateLimitPerMinute", rateLimit);
    }
    JsonObject preset = api(a, HttpMethod.POST, "/presets").sendJsonObject(body).await().bodyAsJsonObject();
    assertThat(api(a, HttpMethod.PUT, "/presets/" + preset.getString("id") + "/servers/" + serverId)
        .sendJsonObject(new JsonObject().put("allowedToolNames", new JsonArray())).await().statusCode()).isEqualTo(200);
    return preset;
  }

  private static HttpResponse<Buffer> post(GatewayProcess node, String slug, String session, JsonObject message) {
    var request = web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + slug)
        .putHeader("Accept", "application/json, text/event-stream").putHeader("Content-Type", "application/json");
    if (session != null) {
      request.putHeader("Mcp-Session-Id", session);
    }
    return request.sendBuffer(message.toBuffer()).await();
  }

  private static String initialize(GatewayProcess node, String slug) {
    HttpResponse<Buffer> r = post(node, slug, null, new JsonObject().put("jsonrpc", "2.0").put("id", 1)
        .put("method", "initialize").put("params", new JsonObject().put("protocolVersion", "2025-11-25")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.getHeader("Mcp-Session-Id");
  }

  private static JsonObject echo(int id, String text) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", text)));
  }

  private static String echoed(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text");
  }

  /** Opens the session's GET stream on a node; what arrives is appended to the returned buffer. */
  private static StringBuffer stream(GatewayProcess node, String slug, String session) {
    StringBuffer events = new StringBuffer();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions());
    HttpClientResponse r = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(node.gatewayPort()).setURI("/mcp/" + slug).putHeader("Accept", "text/event-stream")
            .putHeader("Mcp-Session-Id", session))
        .compose(req -> req.send()).await();
    assertThat(r.statusCode()).isEqualTo(200);
    r.handler(buf -> events.append(buf.toString()));
    return events;
  }

  @Test
  @Order(1)
  void a_session_created_on_a_works_through_b_with_its_get_stream_and_cancellation() {
    JsonObject preset = preset("roam", null);
    String slug = preset.getString("slug");
    String session = initialize(a, slug);
    assertThat(echoed(post(b, slug, session, echo(2, "via b")))).isEqualTo("up:echo: via b");
    assertThat(echoed(post(a, slug, session, echo(3, "via a")))).isEqualTo("up:echo: via a");

    // The GET stream is on B; a management change made on A reaches it.
    StringBuffer events = stream(b, slug, session);
    assertThat(api(a, HttpMethod.PATCH, "/presets/" + preset.getString("id"))
        .sendJsonObject(new JsonObject().put("description", "changed on A")).await().statusCode()).isEqualTo(200);
    Eventually.await("list_changed on B's GET stream", Duration.ofSeconds(5),
        () -> events.toString().contains("notifications/tools/list_changed"));

    // A slow call runs on A; the client's cancellation arrives at B.
    AtomicReference<String> answer = new AtomicReference<>();
    vertx.runOnContext(v -> web.post(a.gatewayPort(), "127.0.0.1", "/mcp/" + slug).putHeader("Mcp-Session-Id", session)
        .putHeader("Accept", "application/json").sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 9)
            .put("method", "tools/call").put("params", new JsonObject().put("name", "slow")
                .put("arguments", new JsonObject().put("ms", 10_000))))
        .onComplete(ar -> answer.set(ar.succeeded() ? ar.result().bodyAsString() : ar.cause().toString())));
    Eventually.await("the slow call upstream", Duration.ofSeconds(10), () -> upstream.seen().stream()
        .anyMatch(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));
    HttpResponse<Buffer> cancel = post(b, slug, session, new JsonObject().put("jsonrpc", "2.0")
        .put("method", "notifications/cancelled").put("params", new JsonObject().put("requestId", 9).put("reason", "from b")));
    assertThat(cancel.statusCode()).isEqualTo(202);
    Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> upstream.seen().stream()
        .anyMatch(r -> "notifications/cancelled".equals(r.jsonRpcMethod()) && r.body().contains("from b")));
    Eventually.await("the cancelled call to end on A", Duration.ofSeconds(5), () -> answer.get() != null);

    // DELETE on B ends the session on A too.
    assertThat(web.delete(b.gatewayPort(), "127.0.0.1", "/mcp/" + slug).putHeader("Mcp-Session-Id", session)
        .send().await().statusCode()).isEqualTo(204);
    Eventually.await("the ended session refused on A", Duration.ofSeconds(5),
        () -> post(a, slug, session, echo(4, "gone")).statusCode() == 404);
  }

  @Test
  @Order(2)
  void a_preset_disabled_on_a_is_not_served_by_b_at_once() {
    JsonObject preset = preset("switch", null);
    String slug = preset.getString("slug");
    String session = initialize(b, slug);
    assertThat(echoed(post(b, slug, session, echo(2, "on")))).isEqualTo("up:echo: on");
    assertThat(api(a, HttpMethod.PATCH, "/presets/" + preset.getString("id"))
        .sendJsonObject(new JsonObject().put("status", "disabled")).await().statusCode()).isEqualTo(200);
    // "At once": the bus event drops B's cached preset; no cache TTL (30 s) is waited out.
    Eventually.await("B refusing the disabled preset", Duration.ofSeconds(2),
        () -> post(b, slug, session, echo(3, "off")).statusCode() == 404);
  }

  @Test
  @Order(3)
  void an_api_key_revoked_on_a_is_refused_by_b_at_once() {
    String slug = preset("keyed", null).getString("slug");
    String key = api(a, HttpMethod.POST, "/api-keys").sendJsonObject(new JsonObject().put("name", "roaming")).await()
        .bodyAsJsonObject().getString("key");
    java.util.function.Supplier<Integer> initializeOnB = () -> web.post(b.gatewayPort(), "127.0.0.1", "/mcp/" + slug)
        .putHeader("Accept", "application/json, text/event-stream").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
            .put("params", new JsonObject().put("protocolVersion", "2025-11-25"))).await().statusCode();
    assertThat(initializeOnB.get()).isEqualTo(200);
    String keyId = api(a, HttpMethod.GET, "/api-keys").send().await().bodyAsJsonObject().getJsonArray("items").stream()
        .map(k -> (JsonObject) k).filter(k -> key.startsWith(k.getString("prefix"))).findFirst().orElseThrow().getString("id");
    assertThat(api(a, HttpMethod.DELETE, "/api-keys/" + keyId).send().await().statusCode()).isEqualTo(204);
    // B cached the key when it authenticated it; mgw.apikey.revoked from A drops it at once.
    Eventually.await("B refusing the revoked key", Duration.ofSeconds(2), () -> initializeOnB.get() == 401);
  }

  @Test
  @Order(4)
  void rate_limits_are_shared_by_the_nodes() {
    String slug = preset("limited", 6).getString("slug");
    int passed = 0;
    int refused = 0;
    String session = initialize(a, slug);
    passed++;
    for (int i = 0; i < 9; i++) {
      int status = post(i % 2 == 0 ? b : a, slug, session, echo(10 + i, "n" + i)).statusCode();
      if (status == 429) {
        refused++;
      } else {
        assertThat(status).isEqualTo(200);
        passed++;
      }
    }
    assertThat(passed).as("one window of 6 per minute for both nodes together").isEqualTo(6);
    assertThat(refused).isEqualTo(4);
  }

  @Test
  @Order(5)
  void tool_calls_on_both_nodes_land_in_one_metrics_table() throws Exception {
    JsonObject preset = preset("counted", null);
    String slug = preset.getString("slug");
    String session = initialize(a, slug);
    for (int i = 0; i < 3; i++) {
      echoed(post(a, slug, session, echo(10 + i, "a")));
      echoed(post(b, slug, session, echo(20 + i, "b")));
    }
    UUID presetId = UUID.fromString(preset.getString("id"));
    Eventually.await("6 rows in tool_call_metrics", Duration.ofSeconds(15), () -> metricRows(presetId) == 6);
  }

  private static long metricRows(UUID presetId) {
    try (var c = DriverManager.getConnection(TestServices.jdbcUrl());
        var st = c.prepareStatement("SELECT count(*) FROM " + schema + ".tool_call_metrics WHERE preset_id = ?")) {
      st.setObject(1, presetId);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(6)
  void an_upstreams_sampling_request_during_a_call_on_a_is_answered_through_b() throws Exception {
    JsonObject preset = api(a, HttpMethod.POST, "/presets").sendJsonObject(new JsonObject()
        .put("slug", "ask-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Ask").put("visibility", "public"))
        .await().bodyAsJsonObject();
    assertThat(api(a, HttpMethod.PUT, "/presets/" + preset.getString("id") + "/servers/" + askerId)
        .sendJsonObject(new JsonObject().put("allowedToolNames", new JsonArray())).await().statusCode()).isEqualTo(200);
    String slug = preset.getString("slug");
    var http = java.net.http.HttpClient.newHttpClient();
    java.util.function.BiFunction<GatewayProcess, JsonObject, java.net.http.HttpRequest.Builder> post = (node, body) ->
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.gatewayPort() + "/mcp/" + slug))
            .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()));
    var init = http.send(post.apply(a, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("clientInfo", new JsonObject()
            .put("name", "roaming").put("version", "1")).put("capabilities", new JsonObject().put("sampling", new JsonObject()))))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    // The call runs on A; the upstream's sampling/createMessage comes back on the call's SSE stream.
    var call = http.send(post.apply(a, new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "tools/call")
            .put("params", new JsonObject().put("name", "sample").put("arguments", new JsonObject().put("prompt", "roam"))))
        .header("Mcp-Session-Id", session).build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
    // The stream's priming event (an id, empty data) carries no message.
    var events = call.body().filter(l -> l.startsWith("data: ") && !l.substring(6).isBlank())
        .map(l -> new JsonObject(l.substring(6))).iterator();
    JsonObject asked = events.next();
    assertThat(asked.getString("method")).isEqualTo("sampling/createMessage");
    // The client's answer reaches node B.
    var answered = http.send(post.apply(b, new JsonObject().put("jsonrpc", "2.0").put("id", asked.getValue("id"))
            .put("result", new JsonObject().put("role", "assistant").put("content", new JsonObject().put("type", "text")
                .put("text", "answered on b")).put("model", "b-model")))
        .header("Mcp-Session-Id", session).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(answered.statusCode()).isEqualTo(202);
    JsonObject result = events.next();
    assertThat(result.getValue("id")).isEqualTo(2);
    assertThat(result.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"))
        .isEqualTo("asker:sampled: answered on b by b-model");
  }

  @Test
  @Order(6)
  void a_2026_callers_retry_on_b_answers_the_sampling_request_held_on_a() throws Exception {
    JsonObject preset = api(a, HttpMethod.POST, "/presets").sendJsonObject(new JsonObject()
        .put("slug", "held-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Held").put("visibility", "public"))
        .await().bodyAsJsonObject();
    assertThat(api(a, HttpMethod.PUT, "/presets/" + preset.getString("id") + "/servers/" + askerId)
        .sendJsonObject(new JsonObject().put("allowedToolNames", new JsonArray())).await().statusCode()).isEqualTo(200);
    String slug = preset.getString("slug");
    var http = java.net.http.HttpClient.newHttpClient();
    java.util.function.BiFunction<GatewayProcess, JsonObject, JsonObject> call = (node, extra) -> {
      JsonObject params = new JsonObject().put("name", "sample").put("arguments", new JsonObject().put("prompt", "roam"))
          .put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
              .put("io.modelcontextprotocol/clientCapabilities", new JsonObject().put("sampling", new JsonObject())))
          .mergeIn(extra);
      try {
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + node.gatewayPort() + "/mcp/" + slug)).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", "sample")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("jsonrpc", "2.0")
                .put("id", UUID.randomUUID().toString()).put("method", "tools/call").put("params", params).encode()))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body()).getJsonObject("result");
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    // A stateless caller: node A holds the upstream's pending sampling request and says input_required ...
    JsonObject asked = call.apply(a, new JsonObject());
    assertThat(asked.getString("resultType")).as(asked.encode()).isEqualTo("input_required");
    String key = asked.getJsonObject("inputRequests").fieldNames().iterator().next();
    assertThat(asked.getJsonObject("inputRequests").getJsonObject(key).getString("method")).isEqualTo("sampling/createMessage");
    // ... and the retry reaches node B, which forwards it over the clustered bus to the instance of A holding the call.
    JsonObject done = call.apply(b, new JsonObject().put("requestState", asked.getString("requestState"))
        .put("inputResponses", new JsonObject().put(key, new JsonObject().put("role", "assistant").put("model", "b-model")
            .put("content", new JsonObject().put("type", "text").put("text", "retried on b")))));
    assertThat(done.getString("resultType")).as(done.encode()).isEqualTo("complete");
    assertThat(done.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("asker:sampled: retried on b by b-model");
  }

  @Test
  @Order(7)
  void a_resource_subscription_taken_on_a_reaches_the_get_stream_on_b_and_an_unsubscribe_on_b_releases_it() {
    JsonObject preset = api(a, HttpMethod.POST, "/presets").sendJsonObject(new JsonObject()
        .put("slug", "watch-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Watch").put("visibility", "public"))
        .await().bodyAsJsonObject();
    assertThat(api(a, HttpMethod.PUT, "/presets/" + preset.getString("id") + "/servers/" + watchedId)
        .sendJsonObject(new JsonObject().put("allowedToolNames", new JsonArray())).await().statusCode()).isEqualTo(200);
    String slug = preset.getString("slug");
    String session = initialize(a, slug);
    StringBuffer events = stream(b, slug, session);
    JsonObject uri = new JsonObject().put("uri", "test://watched-resource");
    HttpResponse<Buffer> subscribed = post(a, slug, session, new JsonObject().put("jsonrpc", "2.0").put("id", 2)
        .put("method", "resources/subscribe").put("params", uri));
    assertThat(subscribed.statusCode()).as(subscribed.bodyAsString()).isEqualTo(200);
    assertThat(subscribed.bodyAsJsonObject().containsKey("result")).as(subscribed.bodyAsString()).isTrue();
    watched.resourceUpdated("test://watched-resource");
    Eventually.await("the update on B's GET stream", Duration.ofSeconds(10),
        () -> events.toString().contains("notifications/resources/updated"));
    assertThat(post(b, slug, session, new JsonObject().put("jsonrpc", "2.0").put("id", 3)
        .put("method", "resources/unsubscribe").put("params", uri)).statusCode()).isEqualTo(200);
    Eventually.await("the upstream subscription released by the unsubscribe on B", Duration.ofSeconds(10),
        () -> watched.received("resources/unsubscribe"));
  }

  @Test
  @Order(8)
  void when_a_node_dies_its_sessions_go_on_through_the_other() {
    String slug = preset("survive", null).getString("slug");
    String session = initialize(a, slug);
    assertThat(echoed(post(a, slug, session, echo(2, "before")))).isEqualTo("up:echo: before");
    a.kill();
    assertThat(echoed(post(b, slug, session, echo(3, "after")))).isEqualTo("up:echo: after");
    String fresh = initialize(b, slug);
    assertThat(echoed(post(b, slug, fresh, echo(4, "new")))).isEqualTo("up:echo: new");
  }
}
