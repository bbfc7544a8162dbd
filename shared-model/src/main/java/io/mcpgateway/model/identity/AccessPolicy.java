package io.mcpgateway.model.identity;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.cache.FutureCache;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.bus.AccessChanged;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.UUID;

/**
 * Who may use a preset: {@code public} anyone; {@code private} its owner (and admins); {@code invite_only}
 * its owner, admins and granted principals. An API key restricted to other presets is refused whatever the
 * visibility. Grant lookups are cached; {@code mgw.access.changed} drops them at once on every node.
 * Fails with UNAUTHORIZED for an anonymous caller of a non-public preset (the endpoint answers with the
 * OAuth challenge) and FORBIDDEN for a known principal who is not allowed.
 */
public final class AccessPolicy {
  private record GrantKey(UUID presetId, UUID principalId) {}

  private final Pool pool;
  private final AccessGrantStore grants = new AccessGrantStore();
  private final FutureCache<GrantKey, Boolean> granted = new FutureCache<>(50_000, Duration.ofMinutes(5));

  public AccessPolicy(Pool pool) {
    this.pool = pool;
  }

  /** Registers the invalidation consumer; call once per verticle instance using this policy. */
  public Future<AccessPolicy> start(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.ACCESS_CHANGED, msg -> forget(AccessChanged.fromJson(msg.body())))
        .completion()
        .map(this);
  }

  public void forget(AccessChanged change) {
    if (change.principalId() == null) {
      granted.invalidateIf(k -> k.presetId().equals(change.presetId()));
    } else {
      granted.invalidate(new GrantKey(change.presetId(), change.principalId()));
    }
  }

  public Future<Void> authorize(Caller caller, Preset preset) {
    if (!caller.keyAllowsPreset(preset.id())) {
      return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
          "this API key is restricted to other presets"));
    }
    if (preset.visibility() == Visibility.PUBLIC) {
      return Future.succeededFuture();
    }
    if (caller.isAnonymous()) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED,
          "preset \"" + preset.slug() + "\" requires authentication"));
    }
    UUID principalId = caller.principalId().orElseThrow();
    if (caller.isAdmin() || principalId.equals(preset.ownerId())) {
      return Future.succeededFuture();
    }
    if (preset.visibility() == Visibility.PRIVATE) {
      return Future.failedFuture(denied(preset));
    }
    return granted.get(new GrantKey(preset.id(), principalId), k -> grants.isGranted(pool, k.presetId(), k.principalId()))
        .compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(denied(preset)));
  }

  private static GatewayException denied(Preset preset) {
    return new GatewayException(ErrorCode.FORBIDDEN, "you have no access to preset \"" + preset.slug() + "\"");
  }
}
