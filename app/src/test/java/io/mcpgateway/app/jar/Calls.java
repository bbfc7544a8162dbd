package io.mcpgateway.app.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** The real calls a jar test makes: the management API over HTTP and an MCP SDK client on the data plane. */
final class Calls {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Calls() {}

  record Response(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Response request(String method, int port, String path, String bearer, JsonObject body) {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
        .header("Accept", "application/json, text/event-stream")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " on port " + port + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What {@link #publish} created. */
  record Published(String serverId, String presetId, String slug) {}

  /** Registers the fixture as a server, creates a preset of the given visibility and links the server's echo tool. */
  static Published publish(int managementPort, String bearer, HttpFixtureServer upstream, String visibility) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Response server = request("POST", managementPort, "/api/v1/servers", bearer, new JsonObject()
        .put("slug", "fixture-" + suffix).put("name", "Fixture").put("transport", "streamable_http").put("url", upstream.url()));
    assertThat(server.status()).as(server.body()).isEqualTo(201);
    String slug = "jar-" + suffix;
    Response preset = request("POST", managementPort, "/api/v1/presets", bearer, new JsonObject()
        .put("slug", slug).put("name", "Jar test").put("visibility", visibility));
    assertThat(preset.status()).as(preset.body()).isEqualTo(201);
    String serverId = server.json().getString("id");
    String presetId = preset.json().getString("id");
    Response link = request("PUT", managementPort, "/api/v1/presets/" + presetId + "/servers/" + serverId, bearer,
        new JsonObject().put("enabled", true).put("allowedToolNames", new JsonArray().add("echo")));
    assertThat(link.status()).as(link.body()).isEqualTo(200);
    return new Published(serverId, presetId, slug);
  }

  /** Creates an API key through the management API and returns it. */
  static String apiKey(int managementPort, String bearer) {
    Response key = request("POST", managementPort, "/api/v1/api-keys", bearer, new JsonObject().put("name", "jar-it"));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    return key.json().getString("key");
  }

  /** An MCP SDK client: initialize, tools/list (exactly echo) and tools/call echo; returns the echoed text. */
  static String listAndCall(int gatewayPort, String slug, String bearer) {
    var request = HttpRequest.newBuilder();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + gatewayPort)
        .endpoint("/mcp/" + slug).requestBuilder(request).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
      var result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "from the jar")));
      assertThat(result.isError()).as(String.valueOf(result)).isNotEqualTo(Boolean.TRUE);
      return ((McpSchema.TextContent) result.content().get(0)).text();
    }
  }

  static String secretKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  static String adminKey() {
    return "it-admin-" + UUID.randomUUID();
  }

  /** Removes a directory tree left by an earlier run. */
  static void delete(java.nio.file.Path dir) throws IOException {
    if (java.nio.file.Files.exists(dir)) {
      try (var paths = java.nio.file.Files.walk(dir)) {
        for (var p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.delete(p);
        }
      }
    }
  }

  static int freePort() {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
