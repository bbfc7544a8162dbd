package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.bus.AccessChanged;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an OAuth 2.1 resource server, against a real authorization server (mock-oauth2-server on
 * loopback): discovery, JWKS, the 401/403 answers and their headers, ACLs, and both planes accepting tokens.
 */
class OAuthEndToEndTest {
  private static final String PUBLIC = "https://gateway.test";
  private static MockOAuth2Server authServer;
  private static String issuer;
  private static Node node;
  private static Path dataDir;
  private static String schema;
  private static Vertx vertx;
  private static WebClient web;
  private static Pool pool;
  private static HttpFixtureServer upstream;
  private static Principal alice;
  private static Preset privatePreset;
  private static Preset invitePreset;

  @BeforeAll
  static void start() throws Exception {
    authServer = new MockOAuth2Server();
    authServer.start(InetAddress.getByName("127.0.0.1"), 0);
    issuer = authServer.issuerUrl("mgw").toString();
    schema = TestServices.freshSchema("oauth");
    dataDir = Files.createTempDirectory("mgw-oauth");
    node = Node.start(new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0").put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dataDir.toString())
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema).put("MGW_SHUTDOWN_GRACE", "1s")
        .put("MGW_PUBLIC_URL", PUBLIC).put("MGW_OAUTH_ISSUER", issuer).put("MGW_OAUTH_SCOPES", "mcp:tools")
        .put("MGW_OAUTH_ADMIN_VALUE", "mgw-admin"));
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    pool = Database.pool(vertx, node.settings().pg());
    upstream = HttpFixtureServer.streamable("guarded");
    alice = new PrincipalStore().upsert(pool, trimmed(issuer), "alice", "alice@example.com", "Alice", false).await();
    UpstreamServer server = new UpstreamServerStore(node.settings().secrets()).insert(pool, new UpstreamServer(UUID.randomUUID(),
        "guarded-" + UUID.randomUUID().toString().substring(0, 6), "g", null, Transport.STREAMABLE_HTTP, upstream.url(), null,
        List.of(), UpstreamSecrets.NONE, alice.id(), ServerStatus.ACTIVE, Optional.empty(), null, null)).await();
    privatePreset = preset("private", Visibility.PRIVATE, server);
    invitePreset = preset("invite", Visibility.INVITE_ONLY, server);
  }

  private static String trimmed(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static Preset preset(String base, Visibility visibility, UpstreamServer server) {
    var store = new PresetStore();
    Preset p = store.insert(pool, new Preset(UUID.randomUUID(), base + "-" + UUID.randomUUID().toString().substring(0, 6), base,
        null, visibility, PresetStatus.ACTIVE, null, alice.id(), null, null, null, List.of())).await();
    store.upsertLink(pool, p.id(), server.id(), true, List.of("echo")).await();
    return p;
  }

  @AfterAll
  static void stop() {
    upstream.close();
    vertx.close().await();
    node.stop();
    authServer.shutdown();
    TestServices.dropSchema(schema);
  }

  private static String token(String issuerId, String subject, String audience, Map<String, Object> claims, long expirySeconds) {
    return authServer.issueToken(issuerId, subject, audience, claims, expirySeconds).serialize();
  }

  private static String token(String subject, Map<String, Object> claims) {
    return token("mgw", subject, PUBLIC, claims, 3600);
  }

  private static HttpResponse<Buffer> initialize(Preset preset, String bearer) {
    var request = web.post(node.gatewayPort(), "127.0.0.1", "/mcp/" + preset.slug())
        .putHeader("Accept", "application/json, text/event-stream");
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return request.sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "t").put("version", "1")))).await();
  }

  private static final Map<String, Object> SCOPED = Map.of("scope", "openid mcp:tools");

  @Test
  void a_valid_token_of_the_owner_opens_the_private_preset() {
    HttpResponse<Buffer> r = initialize(privatePreset, token("alice", SCOPED));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  @Test
  void a_missing_token_gets_401_pointing_to_the_resource_metadata() {
    HttpResponse<Buffer> r = initialize(privatePreset, null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer resource_metadata=\"" + PUBLIC
        + "/.well-known/oauth-protected-resource/mcp/" + privatePreset.slug() + "\", scope=\"mcp:tools\"");
    JsonObject metadata = web.get(node.gatewayPort(), "127.0.0.1", "/.well-known/oauth-protected-resource/mcp/"
        + privatePreset.slug()).send().await().bodyAsJsonObject();
    assertThat(metadata.getString("resource")).isEqualTo(PUBLIC + "/mcp/" + privatePreset.slug());
    assertThat(metadata.getJsonArray("authorization_servers").getString(0)).isEqualTo(issuer);
    assertThat(metadata.getJsonArray("scopes_supported").getString(0)).isEqualTo("mcp:tools");
  }

  @Test
  void expired_foreign_issuer_wrong_audience_bad_signature_and_unsigned_tokens_are_401() throws Exception {
    String expired = token("mgw", "alice", PUBLIC, SCOPED, -600);
    String otherIssuer = token("other", "alice", PUBLIC, SCOPED, 3600);
    String otherAudience = token("mgw", "alice", "https://elsewhere.test", SCOPED, 3600);
    String valid = token("alice", SCOPED);
    String kid = SignedJWT.parse(valid).getHeader().getKeyID();
    RSAKey own = new RSAKeyGenerator(2048).keyID(kid).generate();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
        JWTClaimsSet.parse(SignedJWT.parse(valid).getJWTClaimsSet().toJSONObject()));
    forged.sign(new RSASSASigner(own));
    String[] parts = valid.split("\\.");
    String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    for (var bad : Map.of("expired", expired, "foreign issuer", otherIssuer, "wrong audience", otherAudience,
        "bad signature", forged.serialize(), "alg none", unsigned).entrySet()) {
      HttpResponse<Buffer> r = initialize(privatePreset, bad.getValue());
      assertThat(r.statusCode()).as(bad.getKey()).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).as(bad.getKey()).contains("error=\"invalid_token\"")
          .contains("resource_metadata=");
    }
  }

  @Test
  void a_token_without_the_required_scope_is_403_insufficient_scope() {
    HttpResponse<Buffer> r = initialize(privatePreset, token("alice", Map.of("scope", "openid")));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"mcp:tools\"");
  }

  @Test
  void a_token_bound_to_one_presets_resource_works_there_only() {
    String forPrivate = token("mgw", "alice", PUBLIC + "/mcp/" + privatePreset.slug(), SCOPED, 3600);
    assertThat(initialize(privatePreset, forPrivate).statusCode()).isEqualTo(200);
    assertThat(initialize(invitePreset, forPrivate).statusCode()).isEqualTo(401);
  }

  @Test
  void invite_only_follows_grants_and_revocations_at_once() {
    String bobToken = token("bob", SCOPED);
    assertThat(initialize(invitePreset, bobToken).statusCode()).isEqualTo(403);
    Principal bob = new PrincipalStore().findByIdentity(pool, trimmed(issuer), "bob").await().orElseThrow();
    assertThat(bob.email()).isNull();
    var grants = new AccessGrantStore();
    grants.grant(pool, invitePreset.id(), bob.id(), alice.id()).await();
    node.vertx().eventBus().publish(Addresses.ACCESS_CHANGED, new AccessChanged(invitePreset.id(), bob.id()).toJson());
    Eventually.await("the grant to apply", Duration.ofSeconds(5), () -> initialize(invitePreset, bobToken).statusCode() == 200);
    grants.revoke(pool, invitePreset.id(), bob.id()).await();
    node.vertx().eventBus().publish(Addresses.ACCESS_CHANGED, new AccessChanged(invitePreset.id(), bob.id()).toJson());
    Eventually.await("the revocation to apply", Duration.ofSeconds(5), () -> initialize(invitePreset, bobToken).statusCode() == 403);
  }

  @Test
  void the_admin_claim_makes_an_admin_who_reaches_every_preset() {
    assertThat(initialize(privatePreset, token("carol", SCOPED)).statusCode()).isEqualTo(403);
    assertThat(initialize(privatePreset, token("root", Map.of("scope", "mcp:tools", "roles", List.of("mgw-admin"))))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void the_management_api_accepts_the_same_tokens() {
    HttpResponse<Buffer> me = web.get(node.managementPort(), "127.0.0.1", "/api/v1/me")
        .putHeader("Authorization", "Bearer " + token("alice", SCOPED)).send().await();
    assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("id")).isEqualTo(alice.id().toString());
    HttpResponse<Buffer> presets = web.get(node.managementPort(), "127.0.0.1", "/api/v1/presets")
        .putHeader("Authorization", "Bearer " + token("alice", Map.of("scope", "openid mcp:tools mgw:manage"))).send().await();
    assertThat(presets.bodyAsJsonObject().getJsonArray("items")).hasSize(2);
    assertThat(web.get(node.managementPort(), "127.0.0.1", "/api/v1/me")
        .putHeader("Authorization", "Bearer " + token("mgw", "alice", "https://elsewhere.test", SCOPED, 3600))
        .send().await().statusCode()).isEqualTo(401);
  }

  @Test
  void a_token_without_the_management_scope_cannot_manage_or_mint_api_keys() {
    String dataPlaneOnly = token("alice", SCOPED);
    HttpResponse<Buffer> mint = web.post(node.managementPort(), "127.0.0.1", "/api/v1/api-keys")
        .putHeader("Authorization", "Bearer " + dataPlaneOnly).sendJsonObject(new JsonObject().put("name", "stolen")).await();
    assertThat(mint.statusCode()).as(mint.bodyAsString()).isEqualTo(403);
    assertThat(mint.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"mgw:manage\"");
    assertThat(mint.bodyAsJsonObject().getString("detail")).contains("mgw:manage");
    assertThat(web.get(node.managementPort(), "127.0.0.1", "/api/v1/presets")
        .putHeader("Authorization", "Bearer " + dataPlaneOnly).send().await().statusCode()).isEqualTo(403);
    // Who am I stays open to any valid token; with the scope, keys can be minted.
    assertThat(web.get(node.managementPort(), "127.0.0.1", "/api/v1/me")
        .putHeader("Authorization", "Bearer " + dataPlaneOnly).send().await().statusCode()).isEqualTo(200);
    HttpResponse<Buffer> allowed = web.post(node.managementPort(), "127.0.0.1", "/api/v1/api-keys")
        .putHeader("Authorization", "Bearer " + token("alice", Map.of("scope", "mgw:manage")))
        .sendJsonObject(new JsonObject().put("name", "mine")).await();
    assertThat(allowed.statusCode()).as(allowed.bodyAsString()).isEqualTo(201);
  }

  @Test
  void the_sdk_client_works_with_a_bearer_token_and_the_token_never_reaches_the_upstream() {
    String bearer = token("alice", SCOPED);
    var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + node.gatewayPort())
        .endpoint("/mcp/" + privatePreset.slug())
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer)).build();
    try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build()) {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
      var result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "with token")));
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("guarded:echo: with token");
    }
    assertThat(upstream.seen()).isNotEmpty().allSatisfy(s -> {
      assertThat(s.headers().get("Authorization")).isNull();
      assertThat(s.body() + String.join(" ", s.headers().values())).doesNotContain(bearer);
    });
  }
}
