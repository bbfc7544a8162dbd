package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.ApiKeyStore;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ApiKeyRevoked;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who reaches which preset on /mcp/{slug} without OAuth in play: anonymous callers, API keys (scoped,
 * revoked), and the RFC 9728 metadata and challenges a client needs to find the authorization server.
 */
class DataPlaneAccessTest {
  private static final String PUBLIC_URL = "https://gw.example";
  private static final String ISSUER = "https://sso.example/realms/acme";
  private static GatewayHarness gw;
  private static WebClient web;
  private static HttpFixtureServer upstream;
  private static Preset open;
  private static Preset closed;
  private static Preset invite;
  private static final ApiKeyStore keys = new ApiKeyStore();

  @BeforeAll
  static void start() {
    // The issuer is never contacted: no JWT is sent here; it only has to appear in metadata and challenges.
    gw = new GatewayHarness("access", new JsonObject().put("MGW_PUBLIC_URL", PUBLIC_URL)
        .put("MGW_OAUTH_ISSUER", ISSUER).put("MGW_OAUTH_SCOPES", "mcp:tools,openid"));
    web = WebClient.create(gw.vertx);
    upstream = HttpFixtureServer.streamable("acl");
    UpstreamServer server = gw.httpServer(GatewayHarness.slug("acl"), upstream.url(), java.util.Map.of());
    open = gw.preset(GatewayHarness.slug("open"), Visibility.PUBLIC);
    closed = gw.preset(GatewayHarness.slug("closed"), Visibility.PRIVATE);
    invite = gw.preset(GatewayHarness.slug("invite"), Visibility.INVITE_ONLY);
    for (Preset p : List.of(open, closed, invite)) {
      gw.link(p, server, List.of());
    }
  }

  @AfterAll
  static void stop() {
    upstream.close();
    gw.close();
  }

  private static HttpResponse<Buffer> initialize(Preset preset, String authorization) {
    var request = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "acl").put("version", "1")))).await();
  }

  private static String metadataUrl(Preset p) {
    return PUBLIC_URL + "/.well-known/oauth-protected-resource/mcp/" + p.slug();
  }

  private static String issueKey(List<UUID> presetIds) {
    String key = ApiKeys.generate();
    keys.insert(gw.pool, new ApiKey(UUID.randomUUID(), gw.owner.id(), "acl", ApiKeys.prefix(key).orElseThrow(),
        ApiKeys.hash(key), presetIds, null, null, null, null)).await();
    return key;
  }

  @Test
  void anonymous_callers_reach_public_presets_only_and_are_told_where_to_authenticate() {
    assertThat(initialize(open, null).statusCode()).isEqualTo(200);
    for (Preset p : List.of(closed, invite)) {
      HttpResponse<Buffer> r = initialize(p, null);
      assertThat(r.statusCode()).as(p.visibility().toString()).isEqualTo(401);
      // MCP authorization 2025-11-25 §Protected Resource Metadata Discovery: resource_metadata and scope.
      assertThat(r.getHeader("WWW-Authenticate"))
          .isEqualTo("Bearer resource_metadata=\"" + metadataUrl(p) + "\", scope=\"mcp:tools openid\"");
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getInteger("code")).isEqualTo(-32001);
    }
  }

  @Test
  void a_bad_credential_is_refused_even_on_a_public_preset_rather_than_treated_as_anonymous() {
    for (String bad : List.of("Bearer mgw_not-a-real-key", "Basic dXNlcjpwYXNz")) {
      HttpResponse<Buffer> r = initialize(open, bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).as(bad).startsWith("Bearer resource_metadata=\"" + metadataUrl(open) + "\"")
          .contains("error=\"invalid_token\"");
    }
  }

  @Test
  void a_key_restricted_to_one_preset_is_forbidden_at_every_other_even_a_public_one() {
    String key = issueKey(List.of(closed.id()));
    assertThat(initialize(closed, "Bearer " + key).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> elsewhere = initialize(invite, "Bearer " + key);
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(elsewhere.getHeader("WWW-Authenticate")).as("403 is not an authentication challenge").isNull();
    assertThat(initialize(open, "Bearer " + key).statusCode()).isEqualTo(403);
  }

  @Test
  void an_owner_key_opens_private_and_invite_only_presets_until_it_is_revoked() {
    String key = issueKey(List.of());
    assertThat(initialize(closed, "Bearer " + key).statusCode()).isEqualTo(200);
    assertThat(initialize(invite, "Bearer " + key).statusCode()).isEqualTo(200);
    ApiKey stored = keys.findByPrefix(gw.pool, ApiKeys.prefix(key).orElseThrow()).await().orElseThrow();
    keys.revoke(gw.pool, stored.id()).await();
    gw.vertx.eventBus().publish(Addresses.API_KEY_REVOKED, new ApiKeyRevoked(stored.id(), stored.prefix()).toJson());
    Eventually.await("the revoked key refused", Duration.ofSeconds(2),
        () -> initialize(closed, "Bearer " + key).statusCode() == 401);
    assertThat(initialize(open, "Bearer " + key).statusCode()).as("a revoked key is not anonymous").isEqualTo(401);
  }

  @Test
  void protected_resource_metadata_names_the_preset_resource_the_issuer_and_the_scopes() {
    JsonObject preset = web.get(gw.port(), "127.0.0.1", "/.well-known/oauth-protected-resource/mcp/" + invite.slug())
        .send().await().bodyAsJsonObject();
    assertThat(preset.getString("resource")).isEqualTo(PUBLIC_URL + "/mcp/" + invite.slug());
    assertThat(preset.getJsonArray("authorization_servers").getList()).containsExactly(ISSUER);
    assertThat(preset.getJsonArray("scopes_supported").getList()).containsExactly("mcp:tools", "openid");
    assertThat(preset.getJsonArray("bearer_methods_supported").getList()).containsExactly("header");
    JsonObject root = web.get(gw.port(), "127.0.0.1", "/.well-known/oauth-protected-resource").send().await().bodyAsJsonObject();
    assertThat(root.getString("resource")).isEqualTo(PUBLIC_URL);
    assertThat(root.getJsonArray("authorization_servers").getList()).containsExactly(ISSUER);
    assertThat(web.get(gw.port(), "127.0.0.1", "/.well-known/oauth-protected-resource/mcp/no-such-" + UUID.randomUUID())
        .send().await().statusCode()).isEqualTo(404);
  }

  @Test
  void without_an_authorization_server_there_is_no_metadata_and_the_challenge_is_a_plain_realm() {
    try (GatewayHarness plain = new GatewayHarness("access-plain", new JsonObject().put("MGW_PUBLIC_URL", PUBLIC_URL))) {
      WebClient client = WebClient.create(plain.vertx);
      Preset p = plain.preset(GatewayHarness.slug("plain"), Visibility.PRIVATE);
      HttpResponse<Buffer> r = client.post(plain.port(), "127.0.0.1", "/mcp/" + p.slug())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "ping")).await();
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"mcp-gateway\"");
      // RFC 9728 metadata must name an authorization server; with none configured there is no document.
      assertThat(client.get(plain.port(), "127.0.0.1", "/.well-known/oauth-protected-resource/mcp/" + p.slug())
          .send().await().statusCode()).isEqualTo(404);
      assertThat(client.get(plain.port(), "127.0.0.1", "/.well-known/oauth-protected-resource")
          .send().await().statusCode()).isEqualTo(404);
    }
  }
}
