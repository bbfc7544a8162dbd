package io.mcpgateway.model.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.ApiKeyStore;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.bus.AccessChanged;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ApiKeyRevoked;
import io.mcpgateway.model.db.TestDb;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdentityTest {
  private static final String ADMIN_KEY = "bootstrap-admin-key-for-tests";
  private static Vertx vertx;
  private static TestDb db;
  private static ApiKeyAuthenticator authenticator;
  private static AccessPolicy policy;
  private final ApiKeyStore keys = new ApiKeyStore();
  private final PresetStore presets = new PresetStore();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = new TestDb(vertx, "identity");
    authenticator = new ApiKeyAuthenticator(db.pool, Optional.of(ADMIN_KEY), Clock.systemUTC()).start(vertx).await();
    policy = new AccessPolicy(db.pool).start(vertx).await();
  }

  @AfterAll
  static void stop() {
    db.close();
    vertx.close().await();
  }

  private String issueKey(Principal owner, List<UUID> presetIds, Instant expiresAt) {
    String key = ApiKeys.generate();
    keys.insert(db.pool, new ApiKey(UUID.randomUUID(), owner.id(), "test", ApiKeys.prefix(key).orElseThrow(),
        ApiKeys.hash(key), presetIds, expiresAt, null, null, null)).await();
    return key;
  }

  private static ErrorCode failure(Future<?> f) {
    GatewayException e = catchThrowableOfType(GatewayException.class, f::await);
    assertThat(e).as("expected a GatewayException").isNotNull();
    return e.code();
  }

  @Test
  void no_header_is_anonymous_and_a_malformed_header_is_rejected() {
    assertThat(authenticator.authenticate(null, "10.0.0.1").await().isAnonymous()).isTrue();
    assertThat(authenticator.authenticate(null, "10.0.0.1").await().rateKey()).isEqualTo("ip:10.0.0.1");
    assertThat(failure(authenticator.authenticate("Basic dXNlcjpwYXNz", "ip"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure(authenticator.authenticate("Bearer ", "ip"))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void an_empty_authorization_header_is_rejected_not_anonymous() {
    // docs/IDENTITY.md: a header that is present but invalid is always a 401, never "anonymous".
    assertThat(failure(authenticator.authenticate("", "10.0.0.1"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure(authenticator.authenticate("   ", "10.0.0.1"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    var bearer = new BearerAuthenticator(authenticator, Optional.empty());
    assertThat(failure(bearer.authenticate("", "10.0.0.1"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(bearer.authenticate(null, "10.0.0.1").await().isAnonymous()).isTrue();
  }

  @Test
  void anonymous_ipv6_callers_share_a_rate_key_per_64() {
    assertThat(authenticator.authenticate(null, "2001:db8:7:8::1").await().rateKey())
        .isEqualTo(authenticator.authenticate(null, "2001:db8:7:8:9:a:b:c").await().rateKey())
        .isEqualTo("ip:2001:db8:7:8::/64");
  }

  @Test
  void an_api_key_does_not_carry_admin_rights_that_came_from_an_identity_provider() {
    // An OAuth admin's rights come from the IdP's claim on each token; the IdP may demote them at any time.
    Principal idpAdmin = new io.mcpgateway.model.access.PrincipalStore().upsert(db.pool, "https://idp.test",
        "idp-admin-" + UUID.randomUUID(), null, "IdP admin", true).await();
    String key = issueKey(idpAdmin, List.of(), null);
    Caller viaKey = authenticator.authenticate("Bearer " + key, "ip").await();
    assertThat(viaKey.principalId()).contains(idpAdmin.id());
    assertThat(viaKey.isAdmin()).isFalse();
    // A local administrator's key is an admin key: those rights are the gateway's own.
    Principal localAdmin = new io.mcpgateway.model.access.PrincipalStore().upsert(db.pool, Principal.LOCAL_ISSUER,
        "local-admin-" + UUID.randomUUID(), null, "Local admin", true).await();
    assertThat(authenticator.authenticate("Bearer " + issueKey(localAdmin, List.of(), null), "ip").await().isAdmin()).isTrue();
  }

  @Test
  void a_key_revoked_while_its_bus_message_was_lost_stops_working_within_the_cache_ttl() {
    var shortLived = new ApiKeyAuthenticator(db.pool, Optional.empty(), Clock.systemUTC(), java.time.Duration.ofMillis(500));
    Principal dave = db.principal("dave", false);
    String key = issueKey(dave, List.of(), null);
    assertThat(shortLived.authenticate("Bearer " + key, "ip").await().principalId()).contains(dave.id());
    ApiKey stored = keys.findByPrefix(db.pool, ApiKeys.prefix(key).orElseThrow()).await().orElseThrow();
    keys.revoke(db.pool, stored.id()).await(); // and no mgw.apikey.revoked message
    io.mcpgateway.testing.Eventually.await("the revoked key refused", java.time.Duration.ofSeconds(5), () -> {
      try {
        shortLived.authenticate("Bearer " + key, "ip").await();
        return false;
      } catch (GatewayException e) {
        return e.code() == ErrorCode.UNAUTHORIZED;
      }
    });
    assertThat(ApiKeyAuthenticator.CACHE_TTL).isLessThanOrEqualTo(java.time.Duration.ofSeconds(30));
  }

  @Test
  void a_valid_key_authenticates_its_owner_and_a_wrong_secret_does_not() {
    Principal alice = db.principal("alice", false);
    String key = issueKey(alice, List.of(), null);
    Caller caller = authenticator.authenticate("Bearer " + key, "ip").await();
    assertThat(caller.principalId()).contains(alice.id());
    assertThat(caller.isAdmin()).isFalse();
    String forged = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertThat(failure(authenticator.authenticate("Bearer " + forged, "ip"))).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(failure(authenticator.authenticate("Bearer " + ApiKeys.generate(), "ip"))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void a_revoked_key_stops_working_at_once_when_the_revocation_is_published() {
    Principal bob = db.principal("bob", false);
    String key = issueKey(bob, List.of(), null);
    assertThat(authenticator.authenticate("Bearer " + key, "ip").await().principalId()).contains(bob.id());
    ApiKey stored = keys.findByPrefix(db.pool, ApiKeys.prefix(key).orElseThrow()).await().orElseThrow();
    keys.revoke(db.pool, stored.id()).await();
    vertx.eventBus().publish(Addresses.API_KEY_REVOKED, new ApiKeyRevoked(stored.id(), stored.prefix()).toJson());
    io.mcpgateway.testing.Eventually.await("revocation", java.time.Duration.ofSeconds(5), () ->
        authenticator.authenticate("Bearer " + key, "ip").failed() || isRejected(key));
    assertThat(failure(authenticator.authenticate("Bearer " + key, "ip"))).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  private boolean isRejected(String key) {
    try {
      authenticator.authenticate("Bearer " + key, "ip").await();
      return false;
    } catch (GatewayException e) {
      return true;
    }
  }

  @Test
  void an_expired_key_is_rejected() {
    Principal carol = db.principal("carol", false);
    String key = issueKey(carol, List.of(), Instant.now().minus(1, ChronoUnit.MINUTES));
    GatewayException e = catchThrowableOfType(GatewayException.class,
        () -> authenticator.authenticate("Bearer " + key, "ip").await());
    assertThat(e.getMessage()).contains("expired");
  }

  @Test
  void the_bootstrap_admin_key_authenticates_an_admin_principal() {
    Caller admin = authenticator.authenticate("bearer " + ADMIN_KEY, "ip").await();
    assertThat(admin.isAdmin()).isTrue();
    assertThat(admin.principal().orElseThrow().subject()).isEqualTo(ApiKeyAuthenticator.BOOTSTRAP_SUBJECT);
  }

  @Test
  void public_presets_admit_anyone_and_private_ones_only_the_owner_and_admins() {
    Principal owner = db.principal("owner", false);
    Principal stranger = db.principal("stranger", false);
    Principal admin = db.principal("admin", true);
    Preset open = presets.insert(db.pool, TestDb.preset("pub-" + UUID.randomUUID().toString().substring(0, 8),
        Visibility.PUBLIC, owner.id())).await();
    Preset closed = presets.insert(db.pool, TestDb.preset("priv-" + UUID.randomUUID().toString().substring(0, 8),
        Visibility.PRIVATE, owner.id())).await();

    policy.authorize(Caller.anonymous("ip"), open).await();
    assertThat(failure(policy.authorize(Caller.anonymous("ip"), closed))).isEqualTo(ErrorCode.UNAUTHORIZED);
    policy.authorize(caller(owner), closed).await();
    policy.authorize(caller(admin), closed).await();
    assertThat(failure(policy.authorize(caller(stranger), closed))).isEqualTo(ErrorCode.FORBIDDEN);
  }

  @Test
  void invite_only_follows_grants_and_revocations_immediately() {
    Principal owner = db.principal("owner", false);
    Principal guest = db.principal("guest", false);
    Preset invite = presets.insert(db.pool, TestDb.preset("inv-" + UUID.randomUUID().toString().substring(0, 8),
        Visibility.INVITE_ONLY, owner.id())).await();
    var grants = new AccessGrantStore();

    assertThat(failure(policy.authorize(caller(guest), invite))).isEqualTo(ErrorCode.FORBIDDEN);
    grants.grant(db.pool, invite.id(), guest.id(), owner.id()).await();
    policy.forget(new AccessChanged(invite.id(), guest.id()));
    policy.authorize(caller(guest), invite).await();

    grants.revoke(db.pool, invite.id(), guest.id()).await();
    vertx.eventBus().publish(Addresses.ACCESS_CHANGED, new AccessChanged(invite.id(), null).toJson());
    io.mcpgateway.testing.Eventually.await("revoked grant", java.time.Duration.ofSeconds(5),
        () -> policy.authorize(caller(guest), invite).otherwiseEmpty().isComplete()
            && isDenied(caller(guest), invite));
  }

  private boolean isDenied(Caller c, Preset p) {
    try {
      policy.authorize(c, p).await();
      return false;
    } catch (GatewayException e) {
      return e.code() == ErrorCode.FORBIDDEN;
    }
  }

  @Test
  void a_key_restricted_to_other_presets_cannot_reach_this_one() {
    Principal owner = db.principal("scoped", false);
    Preset mine = presets.insert(db.pool, TestDb.preset("mine-" + UUID.randomUUID().toString().substring(0, 8),
        Visibility.PUBLIC, owner.id())).await();
    String key = issueKey(owner, List.of(UUID.randomUUID()), null);
    Caller scoped = authenticator.authenticate("Bearer " + key, "ip").await();
    assertThat(failure(policy.authorize(scoped, mine))).isEqualTo(ErrorCode.FORBIDDEN);
    String allKey = issueKey(owner, List.of(mine.id()), null);
    policy.authorize(authenticator.authenticate("Bearer " + allKey, "ip").await(), mine).await();
  }

  private static Caller caller(Principal p) {
    return new Caller(Optional.of(p), Optional.empty(), java.util.Set.of(), "ip");
  }
}
