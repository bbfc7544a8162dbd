package io.mcpgateway.app.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.mcp.HttpFixtureServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code java -jar} with nothing configured but an admin key: the embedded PostgreSQL single node. */
@ExtendWith(TailsOnFailure.class)
class EmbeddedDatabaseJarIT {
  @Test
  void the_jar_alone_runs_a_node_on_its_embedded_postgresql() throws Exception {
    Path data = Path.of("target", "jar-it", "embedded-data").toAbsolutePath();
    Calls.delete(data);
    String admin = Calls.adminKey();
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("embedded");
        JarProcess node = JarProcess.start("embedded", Map.of("MGW_DATA_DIR", data.toString(), "MGW_ADMIN_API_KEY", admin))
            .awaitReady(Duration.ofSeconds(90))) {
      assertThat(node.stdout()).contains("Database: embedded PostgreSQL");
      var published = Calls.publish(node.managementPort(), admin, upstream, "private");
      String key = Calls.apiKey(node.managementPort(), admin);
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), key)).isEqualTo("embedded:echo: from the jar");
      assertThat(Files.isRegularFile(data.resolve("secret.key"))).isTrue();
    }
  }
}
