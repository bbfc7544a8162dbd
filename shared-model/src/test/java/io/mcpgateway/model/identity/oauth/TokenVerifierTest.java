package io.mcpgateway.model.identity.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token checks a resource server owes (MCP authorization 2025-11-25 §Token Handling), against an issuer
 * served over real HTTP whose discovery document and JWKS each test controls.
 */
class TokenVerifierTest {
  private static final String AUDIENCE = "https://gateway.test";

  private Vertx vertx;
  private HttpServer server;
  private String base;
  private final AtomicReference<String> metadataIssuer = new AtomicReference<>();
  private final AtomicReference<JWKSet> jwks = new AtomicReference<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicBoolean oidcDiscovery = new AtomicBoolean(true);
  private final AtomicBoolean jwksBroken = new AtomicBoolean(false);
  private final AtomicBoolean issuerDown = new AtomicBoolean(false);
  private final AtomicInteger discoveries = new AtomicInteger();
  private RSAKey rsa;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    jwks.set(new JWKSet(rsa.toPublicJWK()));
    server = vertx.createHttpServer().requestHandler(req -> {
      String path = req.path();
      if (path.contains("/.well-known/")) {
        discoveries.incrementAndGet();
        if (issuerDown.get()) {
          req.response().setStatusCode(503).end();
          return;
        }
      }
      boolean oidc = path.equals("/realms/acme/.well-known/openid-configuration") && oidcDiscovery.get();
      boolean rfc8414 = path.equals("/.well-known/oauth-authorization-server/realms/acme");
      if (oidc || rfc8414) {
        req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("issuer", metadataIssuer.get()).put("jwks_uri", base + "/jwks").encode());
      } else if (path.equals("/jwks")) {
        jwksFetches.incrementAndGet();
        if (jwksBroken.get()) {
          req.response().setStatusCode(500).end();
        } else {
          req.response().putHeader("Content-Type", "application/json").end(jwks.get().toString());
        }
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
    metadataIssuer.set(base + "/realms/acme");
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private TokenVerifier verifier(Duration refreshAtMost) {
    return new TokenVerifier(vertx, URI.create(base + "/realms/acme"), Duration.ofSeconds(60), refreshAtMost);
  }

  private JWTClaimsSet.Builder claims() {
    long now = System.currentTimeMillis();
    return new JWTClaimsSet.Builder().issuer(base + "/realms/acme").subject("alice").audience(AUDIENCE)
        .issueTime(new Date(now)).expirationTime(new Date(now + 600_000));
  }

  private static String sign(JWK key, JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key == null ? null : key.getKeyID()).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private String rsaToken(JWTClaimsSet claims) throws Exception {
    return sign(rsa, new RSASSASigner(rsa), JWSAlgorithm.RS256, claims);
  }

  private static ErrorCode failure(Future<?> f) {
    GatewayException e = catchThrowableOfType(GatewayException.class, f::await);
    assertThat(e).as("expected the token to be refused").isNotNull();
    return e.code();
  }

  @Test
  void a_valid_token_is_accepted_and_its_claims_returned() throws Exception {
    JsonObject claims = verifier(Duration.ofSeconds(30)).verify(rsaToken(claims().build()), List.of(AUDIENCE)).await();
    assertThat(claims.getString("sub")).isEqualTo("alice");
    assertThat(jwksFetches.get()).isEqualTo(1);
  }

  @Test
  void an_ec_signed_token_is_accepted_too() throws Exception {
    ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    jwks.set(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
    String token = sign(ec, new ECDSASigner(ec), JWSAlgorithm.ES256, claims().build());
    assertThat(verifier(Duration.ofSeconds(30)).verify(token, List.of(AUDIENCE)).await().getString("sub")).isEqualTo("alice");
  }

  @Test
  void an_hmac_token_keyed_with_the_published_public_key_is_refused() throws Exception {
    // The classic algorithm-confusion attack: HS256 with the issuer's public key as the shared secret.
    byte[] secret = rsa.toPublicJWK().toRSAPublicKey().getEncoded();
    String token = sign(rsa, new MACSigner(secret), JWSAlgorithm.HS256, claims().build());
    assertThat(failure(verifier(Duration.ofSeconds(30)).verify(token, List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void not_before_in_the_future_is_refused_but_an_expiry_within_the_clock_skew_is_tolerated() throws Exception {
    long now = System.currentTimeMillis();
    TokenVerifier verifier = verifier(Duration.ofSeconds(30));
    String early = rsaToken(claims().notBeforeTime(new Date(now + 600_000)).build());
    assertThat(failure(verifier.verify(early, List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
    String justExpired = rsaToken(claims().expirationTime(new Date(now - 20_000)).build());
    assertThat(verifier.verify(justExpired, List.of(AUDIENCE)).await().getString("sub")).isEqualTo("alice");
    String longExpired = rsaToken(claims().expirationTime(new Date(now - 120_000)).build());
    assertThat(failure(verifier.verify(longExpired, List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void a_token_without_an_expiry_is_refused() throws Exception {
    GatewayException e = catchThrowableOfType(GatewayException.class,
        () -> verifier(Duration.ofSeconds(30)).verify(rsaToken(claims().expirationTime(null).build()), List.of(AUDIENCE)).await());
    assertThat(e).as("a token without exp must be refused").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(e.getMessage()).contains("no expiry (exp)");
  }

  @Test
  void a_token_without_subject_or_for_another_audience_is_refused() throws Exception {
    TokenVerifier verifier = verifier(Duration.ofSeconds(30));
    assertThat(failure(verifier.verify(rsaToken(claims().subject(null).build()), List.of(AUDIENCE))))
        .isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure(verifier.verify(rsaToken(claims().audience("https://other.test").build()), List.of(AUDIENCE))))
        .isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(verifier.verify(rsaToken(claims().audience(List.of("https://other.test", AUDIENCE)).build()),
        List.of(AUDIENCE)).await().getString("sub")).as("one of several audiences is ours").isEqualTo("alice");
  }

  @Test
  void the_issuer_is_matched_as_the_metadata_spells_it_even_with_a_trailing_slash() throws Exception {
    // Auth0 names its issuer "https://tenant.auth0.com/"; the operator may configure it without the slash.
    metadataIssuer.set(base + "/realms/acme/");
    TokenVerifier verifier = verifier(Duration.ofSeconds(30));
    assertThat(verifier.verify(rsaToken(claims().issuer(base + "/realms/acme/").build()), List.of(AUDIENCE)).await()
        .getString("sub")).isEqualTo("alice");
    assertThat(failure(verifier.verify(rsaToken(claims().issuer("https://evil.test/realms/acme/").build()),
        List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void rfc8414_metadata_is_used_when_there_is_no_openid_configuration() throws Exception {
    oidcDiscovery.set(false);
    assertThat(verifier(Duration.ofSeconds(30)).verify(rsaToken(claims().build()), List.of(AUDIENCE)).await()
        .getString("sub")).isEqualTo("alice");
  }

  @Test
  void metadata_naming_another_issuer_is_not_trusted() throws Exception {
    metadataIssuer.set("https://evil.test");
    assertThat(failure(verifier(Duration.ofSeconds(30)).verify(rsaToken(claims().build()), List.of(AUDIENCE))))
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(jwksFetches.get()).isZero();
  }

  @Test
  void an_unreachable_issuer_answers_503_at_once_and_is_retried_in_the_background_until_it_answers() throws Exception {
    issuerDown.set(true);
    TokenVerifier verifier = new TokenVerifier(vertx, URI.create(base + "/realms/acme"), Duration.ofSeconds(60),
        Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(verifier.status().getString("state")).isEqualTo("discovering");
    verifier.start();
    io.mcpgateway.testing.Eventually.await("the first attempt fails", Duration.ofSeconds(10),
        () -> verifier.status().getString("state").equals("unreachable"));
    assertThat(verifier.status().getString("lastError")).contains(base + "/realms/acme");
    String token = rsaToken(claims().build());
    int before = discoveries.get();
    for (int i = 0; i < 20; i++) {
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> verifier.verify(token, List.of(AUDIENCE)).await());
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e.getMessage()).contains("the authorization server " + base + "/realms/acme is not reachable");
    }
    assertThat(discoveries.get() - before).as("callers do not trigger discovery attempts").isLessThanOrEqualTo(4);
    // Backoff 200 ms, 400 ms, 400 ms (capped): the 4th failed attempt comes no sooner than 1 s after the 1st.
    long begin = System.nanoTime();
    int first = verifier.status().getInteger("failedAttempts");
    io.mcpgateway.testing.Eventually.await("three more attempts", Duration.ofSeconds(10),
        () -> verifier.status().getInteger("failedAttempts", 0) >= first + 3);
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    issuerDown.set(false);
    io.mcpgateway.testing.Eventually.await("the issuer is discovered once it answers", Duration.ofSeconds(10),
        () -> verifier.status().getString("state").equals("ready"));
    assertThat(verifier.verify(token, List.of(AUDIENCE)).await().getString("sub")).isEqualTo("alice");
  }

  @Test
  void made_up_key_ids_trigger_at_most_one_jwks_fetch_per_refresh_interval() throws Exception {
    TokenVerifier verifier = verifier(Duration.ofHours(1));
    verifier.verify(rsaToken(claims().build()), List.of(AUDIENCE)).await();
    for (int i = 0; i < 5; i++) {
      RSAKey stranger = new RSAKeyGenerator(2048).keyID("made-up-" + i).generate();
      String token = sign(stranger, new RSASSASigner(stranger), JWSAlgorithm.RS256, claims().build());
      assertThat(failure(verifier.verify(token, List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
    }
    assertThat(jwksFetches.get()).isEqualTo(1);
  }

  @Test
  void a_failed_jwks_refetch_keeps_the_known_keys_working() throws Exception {
    TokenVerifier verifier = verifier(Duration.ZERO);
    verifier.verify(rsaToken(claims().build()), List.of(AUDIENCE)).await();
    jwksBroken.set(true);
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("unknown").generate();
    String foreign = sign(stranger, new RSASSASigner(stranger), JWSAlgorithm.RS256, claims().build());
    assertThat(failure(verifier.verify(foreign, List.of(AUDIENCE)))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(jwksFetches.get()).as("the unknown kid made it refetch").isEqualTo(2);
    assertThat(verifier.verify(rsaToken(claims().build()), List.of(AUDIENCE)).await().getString("sub"))
        .isEqualTo("alice");
  }

  @Test
  void scopes_come_from_scope_or_from_scp_as_a_list_or_a_string() {
    assertThat(OAuthAuthenticator.scopes(new JsonObject().put("scope", "openid mcp:tools")))
        .containsExactlyInAnyOrder("openid", "mcp:tools");
    assertThat(OAuthAuthenticator.scopes(new JsonObject().put("scp", new JsonArray().add("mcp:tools"))))
        .containsExactly("mcp:tools");
    assertThat(OAuthAuthenticator.scopes(new JsonObject().put("scp", "mcp.tools User.Read")))
        .as("Entra ID").containsExactlyInAnyOrder("mcp.tools", "User.Read");
  }

  @Test
  void a_rotated_key_is_found_for_tokens_without_a_kid_too() throws Exception {
    TokenVerifier verifier = verifier(Duration.ZERO);
    assertThat(verifier.verify(sign(null, new RSASSASigner(rsa), JWSAlgorithm.RS256, claims().build()), List.of(AUDIENCE))
        .await().getString("sub")).isEqualTo("alice");
    RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    jwks.set(new JWKSet(next.toPublicJWK()));
    assertThat(verifier.verify(sign(null, new RSASSASigner(next), JWSAlgorithm.RS256, claims().build()), List.of(AUDIENCE))
        .await().getString("sub")).isEqualTo("alice");
    assertThat(jwksFetches.get()).isEqualTo(2);
  }

  @Test
  void a_header_with_odd_json_types_is_refused_not_crashed_on() {
    String enc = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":256,\"kid\":[1]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(failure(verifier(Duration.ofSeconds(30)).verify(enc + ".e30.c2ln", List.of(AUDIENCE))))
        .isEqualTo(ErrorCode.UNAUTHORIZED);
    String array = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(failure(verifier(Duration.ofSeconds(30)).verify(array + ".e30.c2ln", List.of(AUDIENCE))))
        .isEqualTo(ErrorCode.UNAUTHORIZED);
  }
}
