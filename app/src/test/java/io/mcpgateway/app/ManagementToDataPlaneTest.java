package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node: a server and a preset made through the management API, used by the official MCP SDK client
 * on /mcp/{slug}; a change of allowedToolNames through the API shows in the next tools/list without a restart.
 */
class ManagementToDataPlaneTest {
  private static final String ADMIN = "e2e-admin-" + UUID.randomUUID();

  @Test
  void tools_follow_management_changes_live(@TempDir Path dir) {
    String schema = TestServices.freshSchema("e2e");
    Node node = Node.start(new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0").put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dir.toString())
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema).put("MGW_ADMIN_API_KEY", ADMIN));
    Vertx vertx = Vertx.vertx();
    WebClient web = WebClient.create(vertx);
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("live")) {
      java.util.function.BiFunction<HttpMethod, String, io.vertx.ext.web.client.HttpRequest<Buffer>> api = (m, path) ->
          web.request(m, node.managementPort(), "127.0.0.1", "/api/v1" + path).putHeader("Authorization", "Bearer " + ADMIN);
      HttpResponse<Buffer> server = api.apply(HttpMethod.POST, "/servers").sendJsonObject(new JsonObject()
          .put("slug", "live-" + UUID.randomUUID().toString().substring(0, 6)).put("name", "Live")
          .put("transport", "streamable_http").put("url", upstream.url())).await();
      assertThat(server.statusCode()).as(server.bodyAsString()).isEqualTo(201);
      String slug = "team-" + UUID.randomUUID().toString().substring(0, 6);
      HttpResponse<Buffer> preset = api.apply(HttpMethod.POST, "/presets").sendJsonObject(new JsonObject()
          .put("slug", slug).put("name", "Team").put("visibility", "private")).await();
      assertThat(preset.statusCode()).isEqualTo(201);
      String presetPath = "/presets/" + preset.bodyAsJsonObject().getString("id") + "/servers/" + server.bodyAsJsonObject().getString("id");
      assertThat(api.apply(HttpMethod.PUT, presetPath).sendJsonObject(new JsonObject()
          .put("allowedToolNames", new JsonArray().add("echo"))).await().statusCode()).isEqualTo(200);
      String key = api.apply(HttpMethod.POST, "/api-keys").sendJsonObject(new JsonObject().put("name", "sdk")).await()
          .bodyAsJsonObject().getString("key");

      List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
      var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + node.gatewayPort())
          .endpoint("/mcp/" + slug).openConnectionOnStartup(true)
          .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key)).build();
      try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
          .toolsChangeConsumer(changes::add).build()) {
        client.initialize();
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
        var echoed = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "via api")));
        assertThat(((McpSchema.TextContent) echoed.content().get(0)).text()).isEqualTo("live:echo: via api");

        assertThat(api.apply(HttpMethod.PUT, presetPath).sendJsonObject(new JsonObject()
            .put("allowedToolNames", new JsonArray().add("echo").add("add"))).await().statusCode()).isEqualTo(200);
        Eventually.await("tools/list_changed after the API change", Duration.ofSeconds(10), () -> !changes.isEmpty());
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("add", "echo");
      }
      // The call shows in the preset's stats (gateway → metrics verticle → PostgreSQL → management over the bus),
      // and the link changes in its audit trail.
      String presetId = preset.bodyAsJsonObject().getString("id");
      Eventually.await("the echo call in the preset's stats", Duration.ofSeconds(15), () -> {
        HttpResponse<Buffer> stats = api.apply(HttpMethod.GET, "/presets/" + presetId + "/stats").send().await();
        return stats.statusCode() == 200 && stats.bodyAsJsonObject().getJsonObject("totals").getLong("calls") >= 1;
      });
      JsonObject stats = api.apply(HttpMethod.GET, "/presets/" + presetId + "/stats?bucket=minute").send().await().bodyAsJsonObject();
      assertThat(stats.getJsonObject("totals").getLong("calls")).isEqualTo(1);
      assertThat(stats.getJsonArray("tools").getJsonObject(0).getString("tool")).isEqualTo("echo");
      assertThat(stats.getJsonArray("servers").getJsonObject(0).getString("serverSlug"))
          .isEqualTo(server.bodyAsJsonObject().getString("slug"));
      assertThat(stats.getJsonArray("servers").getJsonObject(0).getLong("calls")).isEqualTo(1);
      assertThat(stats.getJsonArray("servers").getJsonObject(0).getValue("p99")).isNotNull();
      // The key belongs to the bootstrap admin principal: its name is shown, not only its id.
      assertThat(stats.getJsonArray("callers").getJsonObject(0).getLong("calls")).isEqualTo(1);
      assertThat(stats.getJsonArray("callers").getJsonObject(0).getString("displayName")).isNotBlank();
      assertThat(stats.getJsonArray("series").getJsonObject(0).getValue("p99")).isNotNull();
      JsonArray events = api.apply(HttpMethod.GET, "/presets/" + presetId + "/events").send().await().bodyAsJsonObject().getJsonArray("items");
      assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")).toList())
          .containsExactly("preset.server_updated", "preset.server_linked", "preset.created");
      String metrics = web.get(node.metricsPort(), "127.0.0.1", "/metrics").send().await().bodyAsString();
      assertThat(metrics).contains("mgw_tool_calls_seconds_count{outcome=\"ok\",preset=\"" + slug + "\"")
          .contains("mgw_upstream_circuit_state{server=").contains("mgw_metrics_buffer_depth")
          .contains("mgw_mcp_requests_total{status=\"200\"}")
          // Off on purpose (meter lookups per bus message / request on the hot path; OPERATIONS.md).
          .doesNotContain("vertx_eventbus_").doesNotContain("vertx_http_client_").doesNotContain("vertx_http_server_");
      HttpResponse<Buffer> anonymous = web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + slug)
          .putHeader("Accept", "application/json, text/event-stream").sendJsonObject(new JsonObject().put("jsonrpc", "2.0")
              .put("id", 1).put("method", "initialize").put("params", new JsonObject().put("protocolVersion", "2025-11-25"))).await();
      assertThat(anonymous.statusCode()).as("a private preset needs credentials").isEqualTo(401);

      // Revoking the key and disabling the preset through the API take effect on the data plane without a
      // restart (mgw.apikey.revoked and mgw.preset.changed drop the gateway's cached entries).
      java.util.function.Function<String, Integer> initialize = bearer -> web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + slug)
          .putHeader("Accept", "application/json, text/event-stream").putHeader("Authorization", "Bearer " + bearer)
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
              .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
                  .put("clientInfo", new JsonObject().put("name", "e2e").put("version", "1")))).await().statusCode();
      assertThat(initialize.apply(key)).isEqualTo(200);
      String keyId = api.apply(HttpMethod.GET, "/api-keys").send().await().bodyAsJsonObject().getJsonArray("items").stream()
          .map(k -> (JsonObject) k).filter(k -> key.startsWith(k.getString("prefix"))).findFirst().orElseThrow().getString("id");
      assertThat(api.apply(HttpMethod.DELETE, "/api-keys/" + keyId).send().await().statusCode()).isEqualTo(204);
      Eventually.await("the revoked key refused by the gateway", Duration.ofSeconds(5), () -> initialize.apply(key) == 401);
      assertThat(initialize.apply(ADMIN)).isEqualTo(200);
      assertThat(api.apply(HttpMethod.PATCH, "/presets/" + presetId).sendJsonObject(new JsonObject().put("status", "disabled"))
          .await().statusCode()).isEqualTo(200);
      Eventually.await("the disabled preset no longer served", Duration.ofSeconds(5), () -> initialize.apply(ADMIN) == 404);
    } finally {
      vertx.close().await();
      node.stop();
      TestServices.dropSchema(schema);
    }
  }
}
