package io.mcpgateway.model.identity.oauth;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OAuth 2.1 access tokens (JWT, RFC 9068) as the MCP authorization spec asks of a resource server:
 * the issuer's keys are found through discovery (OIDC {@code /.well-known/openid-configuration}, else RFC 8414
 * {@code /.well-known/oauth-authorization-server}) and its JWKS; signature (asymmetric algorithms only —
 * never {@code none} or HMAC), {@code iss}, {@code exp}/{@code nbf} with a small skew (vertx-auth-jwt), and
 * an audience bound to this gateway (RFC 8707). A token signed with a key the verifier does not know makes it
 * fetch the JWKS again (at most every {@code refreshAtMost}), so keys rotate without a restart.
 */
public final class TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  private static final Set<String> ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
      "ES384", "ES512", "EdDSA");
  private static final Set<String> KEY_TYPES = Set.of("RSA", "EC", "OKP");

  private final Vertx vertx;
  private final WebClient web;
  private final String issuer;
  private final Duration skew;
  private final Duration refreshAtMost;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private Future<Metadata> metadata;
  /** The last good key set; a failed refetch keeps it, so an issuer hiccup does not lock everyone out. */
  private Future<Keys> keys;
  private Future<Keys> loading;
  private long lastLoad;
  /** Until the first keys load: failed attempts so far, the last error, and when the next attempt runs. */
  private int failures;
  private String lastError;
  private long nextAttemptAt;
  private boolean retryScheduled;

  /** What discovery gives us: the issuer exactly as the authorization server spells it, and its JWKS. */
  private record Metadata(String issuer, String jwksUri) {}

  private record Keys(JWTAuth auth, Set<String> kids) {}

  public TokenVerifier(Vertx vertx, URI issuer, Duration skew, Duration refreshAtMost) {
    this(vertx, issuer, skew, refreshAtMost, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * {@code firstRetry}/{@code maxRetry}: while the issuer cannot be discovered, attempts are retried in the
   * background after {@code firstRetry}, doubling up to {@code maxRetry}, until one succeeds.
   */
  public TokenVerifier(Vertx vertx, URI issuer, Duration skew, Duration refreshAtMost, Duration firstRetry,
      Duration maxRetry) {
    this.vertx = vertx;
    this.web = WebClient.create(vertx);
    this.issuer = issuer.toString();
    this.skew = skew;
    this.refreshAtMost = refreshAtMost;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
  }

  /**
   * Starts discovery in the background (the node's start never waits for, or fails on, the authorization
   * server); failures are retried with backoff. Tokens presented before it succeeds get 503 naming the issuer.
   */
  public void start() {
    keys();
  }

  /**
   * The issuer check's state for {@code /ready}: {@code ready} once keys are loaded, {@code discovering}
   * during the first attempt, {@code unreachable} (with the last error and the next attempt) after failures.
   */
  public synchronized JsonObject status() {
    var out = new JsonObject().put("issuer", issuer);
    if (keys != null && keys.succeeded()) {
      return out.put("state", "ready");
    }
    if (failures == 0) {
      return out.put("state", "discovering");
    }
    return out.put("state", "unreachable").put("failedAttempts", failures).put("lastError", lastError)
        .put("nextAttemptInMs", Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextAttemptAt - System.nanoTime())));
  }

  public String issuer() {
    return issuer;
  }

  /** The token's claims when it is valid for one of {@code audiences}; else UNAUTHORIZED saying why. */
  public Future<JsonObject> verify(String token, List<String> audiences) {
    JsonObject header;
    try {
      header = part(token, 0);
    } catch (RuntimeException e) {
      return Future.failedFuture(invalid("the token is not a JWT"));
    }
    // A crafted header may hold any JSON type here; anything but a string is simply not accepted.
    String alg = header.getValue("alg") instanceof String a ? a : "";
    if (!ALGORITHMS.contains(alg)) {
      return Future.failedFuture(invalid("the token's algorithm \"" + alg + "\" is not accepted"));
    }
    String kid = header.getValue("kid") instanceof String k ? k : null;
    Future<Keys> current = keys();
    if (kid != null) {
      current = current.compose(k -> k.kids().contains(kid) ? Future.succeededFuture(k) : refresh());
    }
    var credentials = new TokenCredentials(token);
    return current.compose(k -> k.auth().authenticate(credentials).recover(e -> {
          // Without a kid, a rotated key shows only as a failed signature: fetch the keys again (rate-limited)
          // and retry once with the new set.
          boolean signature = e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("signature");
          if (kid != null || !signature) {
            return Future.failedFuture(e);
          }
          return refresh().compose(fresh -> fresh == k ? Future.failedFuture(e) : fresh.auth().authenticate(credentials));
        }))
        .recover(e -> Future.failedFuture(e instanceof GatewayException ? e
            : invalid("the token is not valid: " + (e.getMessage() == null ? "rejected" : e.getMessage()))))
        .compose(user -> {
          JsonObject claims = user.principal();
          if (!audienceMatches(claims.getValue("aud"), audiences)) {
            return Future.failedFuture(invalid("the token was issued for another resource (aud), not for " + audiences.get(0)));
          }
          if (claims.getString("sub") == null) {
            return Future.failedFuture(invalid("the token has no subject"));
          }
          // vertx-auth-jwt checks exp only when present; a token without one would never expire.
          // (vertx-auth moves exp from the principal into the user's attributes; user.get looks in both.)
          if (!(user.get("exp") instanceof Number)) {
            return Future.failedFuture(invalid("the token has no expiry (exp)"));
          }
          return Future.succeededFuture(claims);
        });
  }

  private static boolean audienceMatches(Object aud, List<String> accepted) {
    List<String> values = new ArrayList<>();
    if (aud instanceof String s) {
      values.add(s);
    } else if (aud instanceof JsonArray a) {
      a.forEach(v -> values.add(String.valueOf(v)));
    }
    return values.stream().map(TokenVerifier::trimSlash).anyMatch(v -> accepted.stream().map(TokenVerifier::trimSlash)
        .anyMatch(v::equals));
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * The current keys. Before the first successful load: the attempt in flight, if any, else the first attempt;
   * while a retry is scheduled after failures, an immediate 503 (callers never trigger extra attempts).
   */
  private synchronized Future<Keys> keys() {
    if (keys != null && keys.succeeded()) {
      return keys;
    }
    if (loading != null) {
      return loading;
    }
    if (retryScheduled) {
      return Future.failedFuture(unreachable());
    }
    return firstLoad();
  }

  private GatewayException unreachable() {
    long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nextAttemptAt - System.nanoTime() + 999_999_999L));
    return new GatewayException(ErrorCode.UNAVAILABLE, "the authorization server " + issuer
        + " is not reachable yet, so OAuth tokens cannot be checked (" + lastError + "); next attempt in " + seconds
        + " s. API keys keep working.");
  }

  /** One attempt at discovery + JWKS before any keys are known; a failure schedules the next (backoff). */
  private synchronized Future<Keys> firstLoad() {
    lastLoad = System.nanoTime();
    Future<Keys> attempt = load();
    loading = attempt;
    return attempt.andThen(ar -> {
      synchronized (this) {
        loading = null;
        keys = attempt;
        if (ar.succeeded()) {
          if (failures > 0) {
            LOG.info("the authorization server {} answers again after {} failed attempts", issuer, failures);
          }
          failures = 0;
          lastError = null;
        } else {
          failures++;
          lastError = ar.cause().getMessage();
          long delay = Math.min(maxRetry.toMillis(), firstRetry.toMillis() << Math.min(20, failures - 1));
          nextAttemptAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
          retryScheduled = true;
          LOG.warn("OAuth issuer check failed (attempt {}): {}; OAuth callers get 503, retrying in {} ms", failures,
              lastError, delay);
          vertx.setTimer(Math.max(1, delay), t -> {
            synchronized (this) {
              retryScheduled = false;
            }
            keys();
          });
        }
      }
    });
  }

  /**
   * Fetches the JWKS again, at most once per {@code refreshAtMost} (a flood of made-up kids must not
   * hammer the issuer); concurrent callers share one fetch. On failure the previous keys stay in use.
   */
  private synchronized Future<Keys> refresh() {
    if (loading != null) {
      return loading;
    }
    if (keys == null || keys.failed()) {
      return keys();
    }
    long now = System.nanoTime();
    if (keys != null && now - lastLoad < refreshAtMost.toNanos()) {
      return keys;
    }
    lastLoad = now;
    Future<Keys> attempt = load();
    loading = attempt;
    return attempt.andThen(ar -> {
      synchronized (this) {
        loading = null;
        if (ar.succeeded() || keys == null || keys.failed()) {
          keys = attempt;
        }
      }
    }).recover(e -> {
      synchronized (this) {
        return keys != null && keys.succeeded() ? keys : Future.failedFuture(e);
      }
    });
  }

  private Future<Keys> load() {
    synchronized (this) {
      if (metadata == null || metadata.failed()) {
        metadata = discover();
      }
    }
    return metadata.compose(m -> web.getAbs(m.jwksUri()).timeout(5000).send()
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
                "the authorization server's JWKS answered HTTP " + resp.statusCode()));
          }
          JsonArray all = resp.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
          List<JsonObject> usable = new ArrayList<>();
          List<String> kids = new ArrayList<>();
          for (Object k : all) {
            // Only public signing keys: a symmetric ("oct") key would make HMAC tokens verifiable.
            if (k instanceof JsonObject jwk && KEY_TYPES.contains(jwk.getString("kty")) && !"enc".equals(jwk.getString("use"))) {
              usable.add(jwk);
              if (jwk.getString("kid") != null) {
                kids.add(jwk.getString("kid"));
              }
            }
          }
          LOG.info("loaded {} signing keys of {}", usable.size(), issuer);
          // iss must equal the issuer exactly as the server's metadata names it (RFC 8414 §3.3, RFC 9068 §4),
          // e.g. Auth0's trailing slash, whatever spelling MGW_OAUTH_ISSUER used.
          JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(usable)
              .setJWTOptions(new JWTOptions().setIssuer(m.issuer()).setLeeway((int) skew.toSeconds())));
          return Future.succeededFuture(new Keys(jwt, Set.copyOf(kids)));
        }));
  }

  /** OIDC discovery first, then RFC 8414 (MCP authorization §Authorization Server Metadata Discovery). */
  private Future<Metadata> discover() {
    String base = trimSlash(issuer);
    return fetchJwksUri(base + "/.well-known/openid-configuration")
        .recover(oidc -> {
          URI u = URI.create(base);
          String path = u.getPath() == null ? "" : u.getPath();
          return fetchJwksUri(u.getScheme() + "://" + u.getAuthority() + "/.well-known/oauth-authorization-server" + path)
              .recover(rfc8414 -> Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
                  "cannot discover the authorization server " + issuer + ": " + oidc.getMessage()
                      + (String.valueOf(oidc.getMessage()).equals(rfc8414.getMessage()) ? "" : "; " + rfc8414.getMessage()))));
        });
  }

  private Future<Metadata> fetchJwksUri(String url) {
    return web.getAbs(url).timeout(TimeUnit.SECONDS.toMillis(5)).send().compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture("HTTP " + resp.statusCode() + " from " + url);
      }
      JsonObject metadata = resp.bodyAsJsonObject();
      if (!trimSlash(String.valueOf(metadata.getString("issuer"))).equals(trimSlash(issuer))) {
        return Future.failedFuture("metadata at " + url + " names another issuer");
      }
      String jwks = metadata.getString("jwks_uri");
      return jwks == null ? Future.failedFuture("no jwks_uri at " + url)
          : Future.succeededFuture(new Metadata(metadata.getString("issuer"), jwks));
    });
  }

  private static JsonObject part(String token, int index) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWS");
    }
    return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
  }

  private static GatewayException invalid(String why) {
    return new GatewayException(ErrorCode.UNAUTHORIZED, why);
  }
}
