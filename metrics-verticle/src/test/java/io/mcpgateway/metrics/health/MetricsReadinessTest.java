package io.mcpgateway.metrics.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.metrics.MetricsVerticle;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.model.ops.Health;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /ready on the metrics port reflects PostgreSQL and, when configured, Redis. */
class MetricsReadinessTest {
  private static Vertx vertx;
  private static PgSettings pg;
  private static HttpClient http;

  private record Answer(int status, JsonObject body) {}

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pg = PgSettings.fromUri(TestServices.pgUrl(), TestServices.freshSchema("metrics_ready"), 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    Health.markDeployed(vertx, true);
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestServices.dropSchema(pg.schema());
  }

  @Test
  void ready_when_postgresql_and_the_configured_redis_answer() {
    Answer ready = ready(TestServices.redisUrl().toString());
    assertThat(ready.status()).isEqualTo(200);
    assertThat(check(ready, "redis").getString("status")).isEqualTo("UP");
    assertThat(check(ready, "postgresql").getString("status")).isEqualTo("UP");
  }

  @Test
  void not_ready_while_the_configured_redis_is_unreachable() throws IOException {
    Answer ready = ready("redis://127.0.0.1:" + unusedPort());
    assertThat(ready.status()).isEqualTo(503);
    assertThat(check(ready, "redis").getString("status")).isEqualTo("DOWN");
    assertThat(check(ready, "postgresql").getString("status")).isEqualTo("UP");
  }

  private static JsonObject check(Answer answer, String id) {
    return answer.body().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals(id)).findFirst().orElseThrow(() -> new AssertionError(
            "no check " + id + " in " + answer.body()));
  }

  private static Answer ready(String redisUrl) {
    GatewayConfig config = ConfigLoader.load(vertx, new JsonObject().put("MGW_METRICS_PORT", "0")
        .put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_PG_URL", TestServices.pgUrl().toString())
        .put("MGW_PG_SCHEMA", pg.schema()).put("MGW_REDIS_URL", redisUrl)).await();
    var verticle = new MetricsVerticle(new NodeSettings(config, pg, SecretBox.fromBase64(SecretBox.generateKey())));
    String id = vertx.deployVerticle(verticle).await();
    try {
      return http.request(HttpMethod.GET, verticle.port(), "127.0.0.1", "/ready")
          .compose(req -> req.send())
          .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toJsonObject())))
          .await();
    } finally {
      vertx.undeploy(id).await();
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
