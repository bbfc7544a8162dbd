package io.mcpgateway.app.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code java -jar} against an external PostgreSQL (a fresh schema) and Redis for the shared rate limits. */
@ExtendWith(TailsOnFailure.class)
class ExternalServicesJarIT {
  private static String schema;

  @BeforeAll
  static void schema() {
    schema = TestServices.freshSchema("jar_external");
  }

  @AfterAll
  static void drop() {
    TestServices.dropSchema(schema);
  }

  @Test
  void the_jar_runs_on_external_postgresql_and_redis() {
    String admin = Calls.adminKey();
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("external");
        JarProcess node = JarProcess.start("external", Map.of("MGW_PG_URL", TestServices.pgUrl().toString(),
            "MGW_PG_SCHEMA", schema, "MGW_REDIS_URL", TestServices.redisUrl().toString(),
            "MGW_SECRET_KEY", Calls.secretKey(), "MGW_ADMIN_API_KEY", admin)).awaitReady(Duration.ofSeconds(60))) {
      assertThat(node.stdout()).contains("Rate limits: Redis at");
      var published = Calls.publish(node.managementPort(), admin, upstream, "private");
      String key = Calls.apiKey(node.managementPort(), admin);
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), key)).isEqualTo("external:echo: from the jar");
      // The call went through the Redis limiter, not the in-process fallback.
      var ready = JarProcess.get(node.gatewayPort(), "/ready");
      assertThat(ready.body()).contains("\"backend\":\"redis\"");
    }
  }
}
