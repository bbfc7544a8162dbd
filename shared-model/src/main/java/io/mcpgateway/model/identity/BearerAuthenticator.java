package io.mcpgateway.model.identity;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.identity.oauth.OAuthAuthenticator;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The authenticator both planes use: no header → anonymous; {@code mgw_} keys and the bootstrap key → API
 * keys; any other bearer token → OAuth (when an issuer is configured). The caller's token is only ever read
 * here; it is never forwarded upstream.
 */
public final class BearerAuthenticator implements Authenticator {
  private final ApiKeyAuthenticator apiKeys;
  private final Optional<OAuthAuthenticator> oauth;

  public BearerAuthenticator(ApiKeyAuthenticator apiKeys, Optional<OAuthAuthenticator> oauth) {
    this.apiKeys = apiKeys;
    this.oauth = oauth;
  }

  /** Builds the node's authenticator from configuration; starts the API-key part (bootstrap admin, revocations). */
  public static Future<BearerAuthenticator> create(io.vertx.core.Vertx vertx, io.vertx.sqlclient.Pool pool,
      io.mcpgateway.config.GatewayConfig config) {
    var keys = new ApiKeyAuthenticator(pool, config.security().adminApiKey(), java.time.Clock.systemUTC());
    // The issuer is discovered in the background: an unreachable authorization server never stops the node.
    Optional<OAuthAuthenticator> oauth = config.security().oauthIssuer().map(issuer -> {
      var verifier = new io.mcpgateway.model.identity.oauth.TokenVerifier(vertx, issuer,
          config.security().oauth().clockSkew(), java.time.Duration.ofSeconds(30));
      verifier.start();
      return new OAuthAuthenticator(verifier, pool, config.security().oauth());
    });
    return keys.start(vertx).map(k -> new BearerAuthenticator(k, oauth));
  }

  /** The OAuth issuer check's state for {@code /ready}, when an issuer is configured. */
  public Optional<io.vertx.core.json.JsonObject> oauthStatus() {
    return oauth.map(OAuthAuthenticator::status);
  }

  @Override
  public Future<Caller> authenticate(String authorization, String clientIp) {
    return authenticate(authorization, clientIp, Optional.empty());
  }

  /** {@code resource}: the preset's resource URI a token may also be bound to (RFC 8707). */
  public Future<Caller> authenticate(String authorization, String clientIp, Optional<String> resource) {
    if (authorization == null) {
      return Future.succeededFuture(Caller.anonymous(clientIp));
    }
    Optional<String> token = ApiKeyAuthenticator.bearerToken(authorization);
    if (token.isEmpty()) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED,
          "the Authorization header must be \"Bearer <token>\""));
    }
    String t = token.get();
    if (ApiKeys.looksLikeKey(t) || oauth.isEmpty() || apiKeys.isBootstrapKey(t)) {
      return apiKeys.authenticateToken(t, clientIp);
    }
    return oauth.get().authenticate(t, clientIp, resource);
  }
}
