package io.mcpgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BearerChallengeTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static BearerChallenge challenge(JsonObject settings) {
    GatewayConfig config = ConfigLoader.load(vertx, settings.put("MGW_PUBLIC_URL", "https://gw.example")).await();
    return new BearerChallenge(config);
  }

  @Test
  void with_an_authorization_server_the_challenge_points_to_the_preset_metadata_and_names_the_scopes() {
    BearerChallenge c = challenge(new JsonObject().put("MGW_OAUTH_ISSUER", "https://sso.example")
        .put("MGW_OAUTH_SCOPES", "mcp:tools,mcp:read"));
    String metadata = "resource_metadata=\"https://gw.example/.well-known/oauth-protected-resource/mcp/team\"";
    assertThat(c.unauthorized("team", null)).isEqualTo("Bearer " + metadata + ", scope=\"mcp:tools mcp:read\"");
    assertThat(c.unauthorized("team", "the token has \"expired\""))
        .isEqualTo("Bearer " + metadata + ", scope=\"mcp:tools mcp:read\", error=\"invalid_token\","
            + " error_description=\"the token has 'expired'\"");
    assertThat(c.insufficientScope("team"))
        .isEqualTo("Bearer " + metadata + ", scope=\"mcp:tools mcp:read\", error=\"insufficient_scope\"");
  }

  @Test
  void without_required_scopes_the_scope_parameter_is_left_out() {
    assertThat(challenge(new JsonObject().put("MGW_OAUTH_ISSUER", "https://sso.example")).unauthorized("t", null))
        .isEqualTo("Bearer resource_metadata=\"https://gw.example/.well-known/oauth-protected-resource/mcp/t\"");
  }

  @Test
  void without_an_authorization_server_the_challenge_is_a_plain_realm_with_no_metadata_to_follow() {
    BearerChallenge c = challenge(new JsonObject());
    assertThat(c.unauthorized("team", null)).isEqualTo("Bearer realm=\"mcp-gateway\"");
    assertThat(c.unauthorized("team", "invalid API key"))
        .isEqualTo("Bearer realm=\"mcp-gateway\", error=\"invalid_token\", error_description=\"invalid API key\"");
  }
}
