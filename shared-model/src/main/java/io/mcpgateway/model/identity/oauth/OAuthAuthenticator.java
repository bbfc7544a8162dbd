package io.mcpgateway.model.identity.oauth;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.cache.FutureCache;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a valid access token into a {@link Caller}: the principal (issuer, subject) is created on first sight
 * with its email/name claims and refreshed when they change; admin comes from a configurable claim; scopes from
 * {@code scope} (space-separated) or {@code scp}.
 */
public final class OAuthAuthenticator {
  private final TokenVerifier verifier;
  private final Pool pool;
  private final GatewayConfig.OAuth settings;
  private final PrincipalStore principals = new PrincipalStore();
  private final FutureCache<String, Principal> seen = new FutureCache<>(50_000, Duration.ofMinutes(5));

  public OAuthAuthenticator(TokenVerifier verifier, Pool pool, GatewayConfig.OAuth settings) {
    this.verifier = verifier;
    this.pool = pool;
    this.settings = settings;
  }

  /** The issuer check's state, for {@code /ready} (see {@link TokenVerifier#status()}). */
  public JsonObject status() {
    return verifier.status();
  }

  /** Accepts tokens whose audience is the gateway, or {@code extraAudience} (a preset's resource URI). */
  public Future<Caller> authenticate(String token, String clientIp, Optional<String> extraAudience) {
    List<String> audiences = extraAudience.map(a -> List.of(settings.audience(), a)).orElse(List.of(settings.audience()));
    return verifier.verify(token, audiences).compose(claims -> {
      String subject = claims.getString("sub");
      boolean admin = settings.adminValue().map(v -> claimHas(claims.getValue(settings.adminClaim()), v)).orElse(false);
      String email = claims.getString("email");
      String name = claims.getString("name", claims.getString("preferred_username"));
      String key = verifier.issuer() + '\0' + subject + '\0' + admin + '\0' + email + '\0' + name;
      return seen.get(key, k -> principals.upsert(pool, verifier.issuer(), subject, email, name, admin))
          .map(p -> new Caller(Optional.of(p), Optional.empty(), scopes(claims), clientIp));
    });
  }

  static Set<String> scopes(JsonObject claims) {
    Set<String> out = new HashSet<>();
    Object scope = claims.getValue("scope");
    if (scope instanceof String s) {
      for (String part : s.split(" ")) {
        if (!part.isBlank()) {
          out.add(part);
        }
      }
    }
    // Okta and others send scp as a list; Entra ID sends scp as a space-separated string.
    Object scp = claims.getValue("scp");
    if (scp instanceof JsonArray list) {
      list.forEach(v -> out.add(String.valueOf(v)));
    } else if (scp instanceof String s) {
      for (String part : s.split(" ")) {
        if (!part.isBlank()) {
          out.add(part);
        }
      }
    }
    return out;
  }

  private static boolean claimHas(Object claim, String value) {
    if (claim instanceof String s) {
      return s.equals(value) || List.of(s.split(" ")).contains(value);
    }
    if (claim instanceof JsonArray a) {
      return a.contains(value);
    }
    if (claim instanceof JsonObject o) {
      // Keycloak-style {"roles": [...]} nested one level.
      return o.stream().anyMatch(e -> claimHas(e.getValue(), value));
    }
    return false;
  }
}
