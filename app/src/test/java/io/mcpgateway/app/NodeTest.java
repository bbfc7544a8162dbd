package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTest {
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

  private static JsonObject ports(Path dataDir) {
    return new JsonObject()
        .put("MGW_HTTP_HOST", "127.0.0.1")
        .put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0")
        .put("MGW_METRICS_PORT", "0")
        .put("MGW_DATA_DIR", dataDir.toString());
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return web.get(port, "127.0.0.1", path).send().await();
  }

  @Test
  void a_node_on_the_configured_postgresql_is_healthy_and_ready_on_every_port(@TempDir Path dir) {
    String schema = TestServices.freshSchema("node");
    Node node = Node.start(ports(dir)
        .put("MGW_PG_URL", TestServices.pgUrl().toString())
        .put("MGW_PG_SCHEMA", schema));
    try {
      for (int port : new int[] {node.gatewayPort(), node.managementPort(), node.metricsPort()}) {
        assertThat(get(port, "/health").statusCode()).isEqualTo(200);
        HttpResponse<Buffer> ready = get(port, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.bodyAsJsonObject().getString("outcome")).isEqualTo("UP");
      }
      HttpResponse<Buffer> metrics = get(node.metricsPort(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.bodyAsString()).contains("jvm_memory_used_bytes");
      HttpResponse<Buffer> unknown = get(node.gatewayPort(), "/no/such/thing");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.getHeader("Content-Type")).isEqualTo("application/problem+json");
    } finally {
      node.stop();
      TestServices.dropSchema(schema);
    }
  }

  @Test
  void readiness_turns_down_when_the_node_stops_deploying(@TempDir Path dir) {
    String schema = TestServices.freshSchema("node_down");
    Node node = Node.start(ports(dir).put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema));
    try {
      io.mcpgateway.model.ops.Health.markDeployed(node.vertx(), false);
      HttpResponse<Buffer> ready = get(node.gatewayPort(), "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(get(node.gatewayPort(), "/health").statusCode()).isEqualTo(200);
    } finally {
      node.stop();
      TestServices.dropSchema(schema);
    }
  }

  @Test
  void the_embedded_default_keeps_its_data_across_restarts(@TempDir Path dir) {
    Node first = Node.start(ports(dir));
    String subject = "persisted-" + System.nanoTime();
    try {
      assertThat(get(first.gatewayPort(), "/ready").statusCode()).isEqualTo(200);
      var pool = Database.pool(first.vertx(), first.settings().pg());
      new PrincipalStore().upsert(pool, "https://issuer.test", subject, null, null, false).await();
      pool.close().await();
    } finally {
      first.stop();
    }
    assertThat(dir.resolve("postgres")).isDirectory();
    assertThat(dir.resolve("secret.key")).isRegularFile();

    Node second = Node.start(ports(dir));
    try {
      var pool = Database.pool(second.vertx(), second.settings().pg());
      assertThat(new PrincipalStore().findByIdentity(pool, "https://issuer.test", subject).await()).isPresent();
      pool.close().await();
    } finally {
      second.stop();
    }
  }

  @Test
  void bad_configuration_exits_with_code_2_and_one_line(@TempDir Path dir) throws Exception {
    assertThat(runMain(dir, List.of("MGW_HTTP_PORT=70000"), List.of()))
        .isEqualTo(new Exit(2, "mcp-gateway: configuration error: MGW_HTTP_PORT must be an integer 0-65535 (got \"70000\")"));
    assertThat(runMain(dir, List.of("MGW_ROLES=gateway,billing"), List.of()).code()).isEqualTo(2);
    assertThat(runMain(dir, List.of("MGW_PG_URL=mysql://db/x"), List.of()).stderr())
        .isEqualTo("mcp-gateway: configuration error: MGW_PG_URL must be a URL with scheme postgres or postgresql (got \"mysql://db/x\")");
    assertThat(runMain(dir, List.of(), List.of("--role", "billing")).stderr())
        .startsWith("mcp-gateway: configuration error: MGW_ROLES must be a comma-separated list");
    assertThat(runMain(dir, List.of(), List.of("--frobnicate")).code()).isEqualTo(2);
    assertThat(runMain(dir, List.of("MGW_ADMIN_API_KEY=short-admin-key"), List.of()))
        .isEqualTo(new Exit(2, "mcp-gateway: configuration error: MGW_ADMIN_API_KEY must be at least 32 characters"
            + " (got 15); generate one with: openssl rand -base64 32"));
  }

  @Test
  void every_port_closes_a_connection_that_never_sends_a_request(@TempDir Path dir) throws Exception {
    String schema = TestServices.freshSchema("node_slow");
    Node node = Node.start(ports(dir).put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)
        .put("MGW_HTTP_HEADER_TIMEOUT", "500ms"));
    try {
      for (int port : new int[] {node.gatewayPort(), node.managementPort(), node.metricsPort()}) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          s.setSoTimeout(5000);
          long begin = System.nanoTime();
          try {
            assertThat(s.getInputStream().read()).as("port " + port + " closes").isEqualTo(-1);
          } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("port " + port + " kept an unfinished request head open for 5 s");
          } catch (java.net.SocketException reset) {
            // closed
          }
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)).isLessThan(4000);
        }
      }
    } finally {
      node.stop();
      TestServices.dropSchema(schema);
    }
  }

  @Test
  void management_and_metrics_listen_on_loopback_unless_told_otherwise(@TempDir Path dir) throws Exception {
    java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has a non-loopback IPv4 address");
    String schema = TestServices.freshSchema("node_hosts");
    Node node = Node.start(ports(dir).put("MGW_HTTP_HOST", "0.0.0.0")
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema));
    try {
      String ip = external.getHostAddress();
      assertThat(web.get(node.gatewayPort(), ip, "/health").send().await().statusCode()).isEqualTo(200);
      for (int port : new int[] {node.managementPort(), node.metricsPort()}) {
        assertThat(get(port, "/health").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> web.get(port, ip, "/health").send().await()).as("port " + port + " on " + ip)
            .hasMessageContaining("Connection refused");
      }
    } finally {
      node.stop();
      TestServices.dropSchema(schema);
    }
  }

  record Exit(int code, String stderr) {}

  /** Runs Main in a child JVM (it calls System.exit) and returns its exit code and first stderr line. */
  private static Exit runMain(Path dir, List<String> env, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("MGW_"));
    pb.environment().put("MGW_DATA_DIR", dir.toString());
    for (String e : env) {
      String[] kv = e.split("=", 2);
      pb.environment().put(kv[0], kv[1]);
    }
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Main did not exit for " + env + " " + args);
    }
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String firstLine = stderr.lines().findFirst().orElse("");
    return new Exit(p.exitValue(), firstLine);
  }
}
