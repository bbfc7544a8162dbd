package io.mcpgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static GatewayConfig load(JsonObject overrides) {
    try {
      return ConfigLoader.load(vertx, overrides).await();
    } catch (Exception e) {
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      throw new AssertionError(e);
    }
  }

  private static String error(JsonObject overrides) {
    try {
      load(overrides);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a configuration error for " + overrides.encode());
  }

  @Test
  void defaults_give_a_single_embedded_node_with_the_documented_values() {
    GatewayConfig c = load(new JsonObject());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.http().managementPort()).isEqualTo(8081);
    assertThat(c.http().metricsPort()).isEqualTo(9090);
    assertThat(c.http().host()).isEqualTo("0.0.0.0");
    assertThat(c.http().managementHost()).isEqualTo("127.0.0.1");
    assertThat(c.http().metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.http().connections()).isEqualTo(new GatewayConfig.Connections(
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), 10_000));
    assertThat(c.callerLimits()).isEqualTo(new GatewayConfig.CallerLimits(100, 50_000, 100, Duration.ofMinutes(15), 30));
    assertThat(c.http().publicUrl()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(c.http().bodyLimitBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.database().embedded()).isTrue();
    assertThat(c.database().schema()).isEqualTo("public");
    assertThat(c.database().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.roles()).isEqualTo(Set.of(Role.GATEWAY, Role.MANAGEMENT, Role.METRICS));
    assertThat(c.cluster().enabled()).isFalse();
    assertThat(c.upstream().toolCallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.defaultRateLimitPerMinute()).isEqualTo(100);
    assertThat(c.metricsRetentionDays()).isEqualTo(90);
  }

  @Test
  void overrides_win_over_defaults_and_durations_accept_units() {
    GatewayConfig c = load(new JsonObject()
        .put("MGW_HTTP_PORT", "9999")
        .put("MGW_PG_URL", "postgresql://app:s3cret@db.internal:6543/gateway")
        .put("MGW_REDIS_URL", "redis://cache:6379")
        .put("MGW_ROLES", "gateway, metrics")
        .put("MGW_TOOL_CALL_TIMEOUT", "45s")
        .put("MGW_DB_TIMEOUT", "750")
        .put("MGW_SESSION_IDLE_TIMEOUT", "2h")
        .put("MGW_PUBLIC_URL", "https://mcp.example.com/")
        .put("MGW_CLUSTER", "true")
        .put("MGW_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701"));
    assertThat(c.http().port()).isEqualTo(9999);
    assertThat(c.database().embedded()).isFalse();
    assertThat(c.database().url()).contains(URI.create("postgresql://app:s3cret@db.internal:6543/gateway"));
    assertThat(c.redisUrl()).contains(URI.create("redis://cache:6379"));
    assertThat(c.roles()).isEqualTo(Set.of(Role.GATEWAY, Role.METRICS));
    assertThat(c.upstream().toolCallTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.database().timeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(c.http().publicUrl()).isEqualTo(URI.create("https://mcp.example.com"));
    assertThat(c.cluster().enabled()).isTrue();
    assertThat(c.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
  }

  @Test
  void system_properties_override_the_defaults() {
    System.setProperty("MGW_METRICS_RETENTION_DAYS", "30");
    try {
      assertThat(load(new JsonObject()).metricsRetentionDays()).isEqualTo(30);
    } finally {
      System.clearProperty("MGW_METRICS_RETENTION_DAYS");
    }
  }

  @Test
  void port_out_of_range_is_one_line_naming_the_variable_and_the_accepted_values() {
    assertThat(error(new JsonObject().put("MGW_HTTP_PORT", "70000")))
        .isEqualTo("MGW_HTTP_PORT must be an integer 0-65535 (got \"70000\")");
    assertThat(error(new JsonObject().put("MGW_HTTP_PORT", "eighty")))
        .isEqualTo("MGW_HTTP_PORT must be an integer 0-65535 (got \"eighty\")");
  }

  @Test
  void unknown_role_names_the_accepted_roles() {
    assertThat(error(new JsonObject().put("MGW_ROLES", "gateway,billing")))
        .isEqualTo("MGW_ROLES must be a comma-separated list of gateway, management, metrics (got \"gateway,billing\")");
    assertThat(error(new JsonObject().put("MGW_ROLES", " , ")))
        .startsWith("MGW_ROLES must be a comma-separated list");
  }

  @Test
  void malformed_urls_are_rejected_without_echoing_passwords() {
    String pg = error(new JsonObject().put("MGW_PG_URL", "mysql://root:hunter2@db/x"));
    assertThat(pg).isEqualTo("MGW_PG_URL must be a URL with scheme postgres or postgresql (got \"mysql://root:***@db/x\")");
    assertThat(pg).doesNotContain("hunter2");
    assertThat(error(new JsonObject().put("MGW_REDIS_URL", "not a url")))
        .startsWith("MGW_REDIS_URL must be a URL with scheme");
    assertThat(error(new JsonObject().put("MGW_PUBLIC_URL", "ftp://example.com")))
        .startsWith("MGW_PUBLIC_URL must be a URL with scheme http or https");
  }

  @Test
  void bad_durations_booleans_schema_and_secret_key_are_rejected_clearly() {
    assertThat(error(new JsonObject().put("MGW_TOOL_CALL_TIMEOUT", "soon")))
        .isEqualTo("MGW_TOOL_CALL_TIMEOUT must be a positive duration such as 500ms, 30s, 5m or 1h (got \"soon\")");
    assertThat(error(new JsonObject().put("MGW_DB_TIMEOUT", "0s")))
        .startsWith("MGW_DB_TIMEOUT must be a positive duration");
    assertThat(error(new JsonObject().put("MGW_CLUSTER", "maybe")))
        .isEqualTo("MGW_CLUSTER must be true or false (got \"maybe\")");
    assertThat(error(new JsonObject().put("MGW_PG_SCHEMA", "Robert'); DROP")))
        .startsWith("MGW_PG_SCHEMA must be a lower-case SQL identifier");
    assertThat(error(new JsonObject().put("MGW_UPSTREAM_CA_FILE", "/nonexistent/ca.pem")))
        .isEqualTo("MGW_UPSTREAM_CA_FILE must name a readable file (got \"/nonexistent/ca.pem\")");
    assertThat(load(new JsonObject()).upstream().caFile()).isEmpty();
    String key = error(new JsonObject().put("MGW_SECRET_KEY", "dG9vLXNob3J0"));
    assertThat(key).startsWith("MGW_SECRET_KEY must be the base64 encoding of exactly 32 bytes").doesNotContain("dG9vLXNob3J0");
  }

  @Test
  void an_error_message_is_a_single_line() {
    assertThatThrownBy(() -> load(new JsonObject().put("MGW_PG_POOL_SIZE", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("MGW_PG_POOL_SIZE must be an integer 1-1000 (got \"0\")")
        .hasMessageNotContaining("\n");
  }

  @Test
  void the_oauth_audience_defaults_to_the_public_url_and_accepts_an_entra_application_id_uri() {
    assertThat(load(new JsonObject().put("MGW_PUBLIC_URL", "https://gw.example/")).security().oauth().audience())
        .isEqualTo("https://gw.example");
    // Entra ID access tokens carry the Application ID URI, api://<client-id> unless a verified domain is used.
    assertThat(load(new JsonObject().put("MGW_OAUTH_AUDIENCE", "api://2f1c0d7e-mcp-gateway")).security().oauth().audience())
        .isEqualTo("api://2f1c0d7e-mcp-gateway");
    assertThat(error(new JsonObject().put("MGW_OAUTH_AUDIENCE", "ftp://x"))).contains("MGW_OAUTH_AUDIENCE");
  }

  @Test
  void a_short_bootstrap_admin_key_is_a_configuration_error_that_does_not_echo_it() {
    String message = error(new JsonObject().put("MGW_ADMIN_API_KEY", "letmein-12345"));
    assertThat(message).isEqualTo("MGW_ADMIN_API_KEY must be at least 32 characters (got 13);"
        + " generate one with: openssl rand -base64 32").doesNotContain("letmein");
    assertThat(load(new JsonObject().put("MGW_ADMIN_API_KEY", "x".repeat(32))).security().adminApiKey()).hasValue("x".repeat(32));
  }

  @Test
  void the_management_and_metrics_hosts_are_their_own_settings() {
    GatewayConfig c = load(new JsonObject().put("MGW_HTTP_HOST", "10.1.2.3").put("MGW_MANAGEMENT_HOST", "0.0.0.0")
        .put("MGW_METRICS_HOST", "10.9.9.9"));
    assertThat(c.http().host()).isEqualTo("10.1.2.3");
    assertThat(c.http().managementHost()).isEqualTo("0.0.0.0");
    assertThat(c.http().metricsHost()).isEqualTo("10.9.9.9");
  }
}
