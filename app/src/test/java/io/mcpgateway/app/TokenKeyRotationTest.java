package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.identity.oauth.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Signing keys rotate at the issuer; the verifier follows without a restart (new kid → JWKS fetched again). */
class TokenKeyRotationTest {
  @Test
  void a_token_signed_with_a_new_key_is_accepted_after_the_issuer_rotates() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
      RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
      AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(first.toPublicJWK()));
      AtomicInteger jwksFetches = new AtomicInteger();
      AtomicReference<String> issuer = new AtomicReference<>();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> {
        if (req.path().equals("/.well-known/openid-configuration")) {
          req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("issuer", issuer.get())
              .put("jwks_uri", issuer.get() + "/jwks").encode());
        } else if (req.path().equals("/jwks")) {
          jwksFetches.incrementAndGet();
          req.response().putHeader("Content-Type", "application/json").end(published.get().toString());
        } else {
          req.response().setStatusCode(404).end();
        }
      }).listen(0, "127.0.0.1").await();
      issuer.set("http://127.0.0.1:" + server.actualPort());
      TokenVerifier verifier = new TokenVerifier(vertx, URI.create(issuer.get()), Duration.ofSeconds(30), Duration.ZERO);

      assertThat(verifier.verify(sign(first, issuer.get()), List.of("https://gateway.test")).await().getString("sub"))
          .isEqualTo("alice");
      published.set(new JWKSet(second.toPublicJWK()));
      assertThat(verifier.verify(sign(second, issuer.get()), List.of("https://gateway.test")).await().getString("sub"))
          .isEqualTo("alice");
      assertThat(jwksFetches.get()).isEqualTo(2);
      GatewayException old = catchThrowableOfType(GatewayException.class,
          () -> verifier.verify(sign(first, issuer.get()), List.of("https://gateway.test")).await());
      assertThat(old.code()).as("the retired key no longer verifies").isEqualTo(ErrorCode.UNAUTHORIZED);
    } finally {
      vertx.close().await();
    }
  }

  private static String sign(RSAKey key, String issuer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience("https://gateway.test")
            .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
