package io.mcpgateway.app.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several {@code java -jar} processes in one Vert.x cluster (Hazelcast TCP/IP members on loopback, one
 * PostgreSQL schema, one secret key): the roles split over three processes, and two full nodes.
 */
@ExtendWith(TailsOnFailure.class)
class ClusterJarIT {
  private String schema;
  private final List<JarProcess> processes = new ArrayList<>();

  @BeforeEach
  void schema() {
    schema = TestServices.freshSchema("jar_cluster");
  }

  @AfterEach
  void stop() {
    processes.forEach(JarProcess::close);
    TestServices.dropSchema(schema);
  }

  /**
   * Hazelcast's first member waits up to 20 s for the listed members before it forms the cluster alone; the
   * tests start the first member on its own with that wait cut to 1 s, then the others, which join it.
   */
  private static final List<String> QUICK_JOIN = List.of("-Dhazelcast.wait.seconds.before.join=0",
      "-Dhazelcast.max.wait.seconds.before.join=1");

  /** Starts the first member, then the others all at once, and waits until each is ready. */
  private List<JarProcess> cluster(String name, String admin, String... roles) {
    String secret = Calls.secretKey();
    List<Integer> ports = IntStream.range(0, roles.length).mapToObj(i -> Calls.freePort()).toList();
    String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int i = 0; i < roles.length; i++) {
      Map<String, String> env = new HashMap<>(Map.of("MGW_PG_URL", TestServices.pgUrl().toString(), "MGW_PG_SCHEMA", schema,
          "MGW_SECRET_KEY", secret, "MGW_ADMIN_API_KEY", admin, "MGW_CLUSTER", "true", "MGW_CLUSTER_HOST", "127.0.0.1",
          "MGW_CLUSTER_PORT", String.valueOf(ports.get(i)), "MGW_CLUSTER_MEMBERS", members));
      JarProcess p = JarProcess.start(name + "-" + i + "-" + roles[i].replace(',', '+'), env, QUICK_JOIN, "--role", roles[i]);
      processes.add(p);
      if (i == 0) {
        p.awaitReady(Duration.ofSeconds(90));
      }
    }
    processes.forEach(p -> p.awaitReady(Duration.ofSeconds(90)));
    return List.copyOf(processes);
  }

  @Test
  void gateway_management_and_metrics_run_as_three_processes() {
    String admin = Calls.adminKey();
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("split")) {
      List<JarProcess> nodes = cluster("roles", admin, "gateway", "management", "metrics");
      JarProcess gateway = nodes.get(0);
      JarProcess management = nodes.get(1);
      JarProcess metrics = nodes.get(2);
      assertThat(gateway.managementPort()).isEqualTo(-1);
      assertThat(management.gatewayPort()).isEqualTo(-1);
      assertThat(metrics.gatewayPort()).isEqualTo(-1);

      var published = Calls.publish(management.managementPort(), admin, upstream, "private");
      assertThat(Calls.listAndCall(gateway.gatewayPort(), published.slug(), admin)).isEqualTo("split:echo: from the jar");
      // The call crosses all three: gateway → (bus) metrics process → PostgreSQL; management asks metrics over the bus.
      Eventually.await("the call in the preset's stats", Duration.ofSeconds(20), () -> {
        var stats = Calls.request("GET", management.managementPort(), "/api/v1/presets/" + published.presetId() + "/stats",
            admin, null);
        return stats.status() == 200 && stats.json().getJsonObject("totals").getLong("calls") >= 1;
      });
      // The live tool list: management asks a gateway process over the bus.
      var tools = Calls.request("GET", management.managementPort(), "/api/v1/servers/" + published.serverId() + "/tools",
          admin, null);
      assertThat(tools.status()).as(tools.body()).isEqualTo(200);
      assertThat(JarProcess.get(metrics.metricsPort(), "/metrics").body()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void two_full_nodes_share_changes_over_the_cluster() {
    String admin = Calls.adminKey();
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("cluster")) {
      List<JarProcess> nodes = cluster("cluster", admin, "gateway,management,metrics", "gateway,management,metrics");
      JarProcess a = nodes.get(0);
      JarProcess b = nodes.get(1);
      var published = Calls.publish(a.managementPort(), admin, upstream, "private");
      assertThat(Calls.listAndCall(b.gatewayPort(), published.slug(), admin)).isEqualTo("cluster:echo: from the jar");
      // Disabling the preset on node a drops it from node b's cache at once (mgw.preset.changed over the cluster).
      var disabled = Calls.request("PATCH", a.managementPort(), "/api/v1/presets/" + published.presetId(), admin,
          new JsonObject().put("status", "disabled"));
      assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
      Eventually.await("node b stops serving the disabled preset", Duration.ofSeconds(10),
          () -> Calls.request("POST", b.gatewayPort(), "/mcp/" + published.slug(), admin, new JsonObject()
              .put("jsonrpc", "2.0").put("id", 1).put("method", "ping")).status() == 404);
    }
  }
}
