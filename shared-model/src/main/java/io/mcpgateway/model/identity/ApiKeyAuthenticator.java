package io.mcpgateway.model.identity;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.cache.FutureCache;
import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.ApiKeyStore;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ApiKeyRevoked;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates {@code Authorization: Bearer mgw_...} API keys, and the bootstrap admin key
 * ({@code MGW_ADMIN_API_KEY}). Keys are found by their visible prefix (cached), then the whole key's hash
 * is compared in constant time. Revocation takes effect at once: {@code mgw.apikey.revoked} (cluster-wide
 * in cluster mode) drops the cached key, and expiry is checked on every request. Should that message be lost,
 * a cached key is read again from the database after {@link #CACHE_TTL} at the latest, which bounds how long a
 * revoked key can keep working.
 */
public final class ApiKeyAuthenticator implements Authenticator {
  /** The bootstrap admin principal's (issuer, subject). */
  public static final String BOOTSTRAP_SUBJECT = "bootstrap-admin";
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticator.class);
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  /** How long a key read from the database is trusted without reading it again (the revocation bound). */
  public static final Duration CACHE_TTL = Duration.ofSeconds(30);

  private record StoredKey(ApiKey key, Principal owner) {}

  private final Pool pool;
  private final Optional<byte[]> adminKeyHash;
  private final Clock clock;
  private final ApiKeyStore keys = new ApiKeyStore();
  private final PrincipalStore principals = new PrincipalStore();
  private final FutureCache<String, Optional<StoredKey>> byPrefix;
  private final ConcurrentHashMap<java.util.UUID, Instant> lastTouched = new ConcurrentHashMap<>();
  private volatile Principal bootstrapAdmin;

  public ApiKeyAuthenticator(Pool pool, Optional<String> adminApiKey, Clock clock) {
    this(pool, adminApiKey, clock, CACHE_TTL);
  }

  /** {@code cacheTtl}: how long a key (or a prefix no key has) is cached; bounds a revocation whose message was lost. */
  public ApiKeyAuthenticator(Pool pool, Optional<String> adminApiKey, Clock clock, Duration cacheTtl) {
    this.byPrefix = new FutureCache<>(10_000, cacheTtl);
    this.pool = pool;
    this.adminKeyHash = adminApiKey.map(ApiKeys::hash);
    this.clock = clock;
  }

  /** Creates the bootstrap admin principal when an admin key is configured, and listens for revocations. */
  public Future<ApiKeyAuthenticator> start(Vertx vertx) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.API_KEY_REVOKED,
        msg -> forget(ApiKeyRevoked.fromJson(msg.body())));
    Future<Void> registered = consumer.completion();
    if (adminKeyHash.isEmpty()) {
      return registered.map(this);
    }
    return registered
        .compose(v -> principals.upsert(pool, Principal.LOCAL_ISSUER, BOOTSTRAP_SUBJECT, null, "Bootstrap admin", true))
        .map(admin -> {
          bootstrapAdmin = admin;
          return this;
        });
  }

  /** The bootstrap admin, once {@link #start} completed with an admin key configured. */
  public Optional<Principal> bootstrapAdmin() {
    return Optional.ofNullable(bootstrapAdmin);
  }

  @Override
  public Future<Caller> authenticate(String authorization, String clientIp) {
    // Only an absent header is anonymous: a present but empty one is a bad credential (401).
    if (authorization == null) {
      return Future.succeededFuture(Caller.anonymous(clientIp));
    }
    Optional<String> token = bearerToken(authorization);
    if (token.isEmpty()) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED,
          "the Authorization header must be \"Bearer <token>\""));
    }
    return authenticateToken(token.get(), clientIp);
  }

  /** True for the configured bootstrap admin key (compared in constant time). */
  public boolean isBootstrapKey(String token) {
    return adminKeyHash.isPresent() && ApiKeys.matches(token, adminKeyHash.get());
  }

  /** Authenticates a bearer token already taken from its header. */
  public Future<Caller> authenticateToken(String token, String clientIp) {
    if (adminKeyHash.isPresent() && bootstrapAdmin != null && ApiKeys.matches(token, adminKeyHash.get())) {
      return Future.succeededFuture(new Caller(Optional.of(bootstrapAdmin), Optional.empty(), Set.of(), clientIp));
    }
    Optional<String> prefix = ApiKeys.prefix(token);
    if (prefix.isEmpty()) {
      return Future.failedFuture(invalidKey());
    }
    return byPrefix.get(prefix.get(), this::load).compose(found -> {
      // Hash compared even when no key has this prefix, so timing does not tell which prefixes exist.
      byte[] stored = found.map(s -> s.key().hash()).orElse(DUMMY_HASH);
      boolean matches = ApiKeys.matches(token, stored) && found.isPresent();
      if (!matches) {
        return Future.failedFuture(invalidKey());
      }
      StoredKey s = found.get();
      Instant now = clock.instant();
      if (s.key().revokedAt() != null) {
        return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED, "this API key was revoked"));
      }
      if (!s.key().usableAt(now)) {
        return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED, "this API key has expired"));
      }
      touch(s.key(), now);
      return Future.succeededFuture(new Caller(Optional.of(s.owner()), Optional.of(s.key()), Set.of(), clientIp));
    });
  }

  /** Drops a key from the cache (on revocation, on this node or another). */
  public void forget(ApiKeyRevoked revoked) {
    if (revoked.prefix() != null) {
      byPrefix.invalidate(revoked.prefix());
    } else {
      byPrefix.invalidateAll();
    }
  }

  public static Optional<String> bearerToken(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String trimmed = authorization.trim();
    if (trimmed.length() > 7 && trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      String token = trimmed.substring(7).trim();
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
    return Optional.empty();
  }

  private Future<Optional<StoredKey>> load(String prefix) {
    return keys.findByPrefix(pool, prefix).compose(key -> {
      if (key.isEmpty()) {
        return Future.succeededFuture(Optional.<StoredKey>empty());
      }
      return principals.findById(pool, key.get().principalId())
          .map(owner -> owner.map(o -> new StoredKey(key.get(), o)));
    });
  }

  private void touch(ApiKey key, Instant now) {
    Instant last = lastTouched.get(key.id());
    if (last == null || last.plus(TOUCH_EVERY).isBefore(now)) {
      lastTouched.put(key.id(), now);
      keys.touch(pool, key.id()).onFailure(e -> LOG.debug("could not record API key use: {}", e.getMessage()));
    }
  }

  private static GatewayException invalidKey() {
    return new GatewayException(ErrorCode.UNAUTHORIZED, "invalid API key");
  }

  private static final byte[] DUMMY_HASH = ApiKeys.hash("mgw-no-such-key");
}
