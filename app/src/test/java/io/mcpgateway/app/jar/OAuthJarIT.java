package io.mcpgateway.app.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code java -jar} with {@code MGW_OAUTH_ISSUER}: against a running authorization server (a real
 * mock-oauth2-server on loopback), and against a closed port that only later starts answering.
 */
@ExtendWith(TailsOnFailure.class)
class OAuthJarIT {
  private static final String PUBLIC = "https://gateway.jar-it.test";
  private static String schema;

  @BeforeAll
  static void schema() {
    schema = TestServices.freshSchema("jar_oauth");
  }

  @AfterAll
  static void drop() {
    TestServices.dropSchema(schema);
  }

  private static Map<String, String> env(String issuer, String admin) {
    return Map.of("MGW_PG_URL", TestServices.pgUrl().toString(), "MGW_PG_SCHEMA", schema,
        "MGW_SECRET_KEY", Calls.secretKey(), "MGW_PUBLIC_URL", PUBLIC, "MGW_OAUTH_ISSUER", issuer,
        "MGW_OAUTH_SCOPES", "mcp:tools", "MGW_OAUTH_ADMIN_VALUE", "mgw-admin", "MGW_ADMIN_API_KEY", admin);
  }

  private static String token(MockOAuth2Server server, String subject) {
    return server.issueToken("mgw", subject, PUBLIC, Map.of("scope", "openid mcp:tools mgw:manage", "roles", List.of("mgw-admin")),
        3600).serialize();
  }

  @Test
  void a_token_bearing_client_uses_a_private_preset_and_the_management_api() throws Exception {
    MockOAuth2Server authServer = new MockOAuth2Server();
    authServer.start(InetAddress.getByName("127.0.0.1"), 0);
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("oauth");
        JarProcess node = JarProcess.start("oauth", env(authServer.issuerUrl("mgw").toString(), Calls.adminKey()))
            .awaitReady(Duration.ofSeconds(60))) {
      awaitIssuerReady(node);
      String token = token(authServer, "carol");
      var me = Calls.request("GET", node.managementPort(), "/api/v1/me", token, null);
      assertThat(me.status()).as(me.body()).isEqualTo(200);
      assertThat(me.json().getBoolean("admin")).as(me.body()).isTrue();
      var published = Calls.publish(node.managementPort(), token, upstream, "private");
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), token)).isEqualTo("oauth:echo: from the jar");
      var anonymous = Calls.request("POST", node.gatewayPort(), "/mcp/" + published.slug(), null, initialize());
      assertThat(anonymous.status()).isEqualTo(401);
    } finally {
      authServer.shutdown();
    }
  }

  @Test
  void an_unreachable_issuer_does_not_stop_the_node_and_bearer_callers_get_503_until_it_answers() throws Exception {
    int port = Calls.freePort();
    // mock-oauth2-server names itself by "localhost" in the tokens it issues from this JVM.
    String issuer = "http://localhost:" + port + "/mgw";
    String admin = Calls.adminKey();
    MockOAuth2Server authServer = new MockOAuth2Server();
    try (HttpFixtureServer upstream = HttpFixtureServer.streamable("offline");
        JarProcess node = JarProcess.start("oauth-unreachable", env(issuer, admin)).awaitReady(Duration.ofSeconds(60))) {
      assertThat(node.readyMillis()).as("start-up time with an unreachable issuer").isLessThan(20_000);
      // API-key callers and public presets keep working.
      var published = Calls.publish(node.managementPort(), admin, upstream, "public");
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), null)).isEqualTo("offline:echo: from the jar");
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), Calls.apiKey(node.managementPort(), admin)))
          .isEqualTo("offline:echo: from the jar");
      // /ready stays UP and says what the issuer check sees.
      var ready = JarProcess.get(node.gatewayPort(), "/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("oauth-issuer").contains(issuer).contains("unreachable");
      // A JWT: 503 naming the issuer, as JSON-RPC on /mcp and problem+json on /api/v1.
      String jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2ln";
      var mcp = Calls.request("POST", node.gatewayPort(), "/mcp/" + published.slug(), jwt, initialize());
      assertThat(mcp.status()).as(mcp.body()).isEqualTo(503);
      assertThat(mcp.json().getJsonObject("error").getInteger("code")).isEqualTo(-32005);
      assertThat(mcp.json().getJsonObject("error").getString("message")).contains(issuer);
      var api = Calls.request("GET", node.managementPort(), "/api/v1/me", jwt, null);
      assertThat(api.status()).as(api.body()).isEqualTo(503);
      assertThat(api.contentType()).startsWith("application/problem+json");
      assertThat(api.json().getString("detail")).contains(issuer);

      // The issuer comes up: discovery is retried in the background and tokens work without a restart.
      authServer.start(InetAddress.getByName("127.0.0.1"), port);
      String token = token(authServer, "dave");
      awaitIssuerReady(node);
      assertThat(Calls.request("GET", node.managementPort(), "/api/v1/me", token, null).status()).isEqualTo(200);
      assertThat(Calls.listAndCall(node.gatewayPort(), published.slug(), token)).isEqualTo("offline:echo: from the jar");
    } finally {
      authServer.shutdown();
    }
  }

  /** Both planes discover the issuer on their own; /ready shows each one's state. */
  private static void awaitIssuerReady(JarProcess node) {
    for (int port : new int[] {node.gatewayPort(), node.managementPort()}) {
      Eventually.await("the issuer check on port " + port + " is ready", Duration.ofSeconds(40),
          () -> {
            var ready = JarProcess.get(port, "/ready");
            return ready != null && ready.body().contains("\"state\":\"ready\"");
          });
    }
  }

  private static JsonObject initialize() {
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize").put("params", new JsonObject()
        .put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "jar-it").put("version", "1")));
  }
}
