package io.mcpgateway.model.identity;

import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, as established by an {@link Authenticator}: a principal (from an OAuth token or an API
 * key) or nobody (anonymous), the API key used if any (it may restrict presets), the token's scopes, and
 * the client address (for anonymous rate limiting).
 */
public record Caller(Optional<Principal> principal, Optional<ApiKey> apiKey, Set<String> scopes, String clientIp) {
  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public static Caller anonymous(String clientIp) {
    return new Caller(Optional.empty(), Optional.empty(), Set.of(), clientIp);
  }

  public boolean isAnonymous() {
    return principal.isEmpty();
  }

  /**
   * Admin rights of a principal from an OAuth issuer come from the IdP's claim on each token, so they are
   * not carried by API keys (the IdP could demote the user while the key lives on); local principals' rights
   * are the gateway's own and do go with their keys.
   */
  public boolean isAdmin() {
    return principal.map(p -> p.admin() && (apiKey.isEmpty() || Principal.LOCAL_ISSUER.equals(p.issuer()))).orElse(false);
  }

  public Optional<UUID> principalId() {
    return principal.map(Principal::id);
  }

  /**
   * The key used for rate limits, session caps and metrics: the principal id, or {@code ip:<address>} when
   * anonymous, an IPv6 address grouped by its /64 (one subscriber commonly holds a whole /64).
   */
  public String rateKey() {
    return principal.map(p -> p.id().toString()).orElse("ip:" + io.mcpgateway.model.net.IpRanges.limitKey(clientIp));
  }

  /** True when the caller presented an OAuth access token (its scopes then apply). */
  public boolean viaOAuth() {
    return apiKey.isEmpty() && principal.map(p -> !Principal.LOCAL_ISSUER.equals(p.issuer())).orElse(false);
  }

  /** False when the caller used an API key restricted to other presets. */
  public boolean keyAllowsPreset(UUID presetId) {
    return apiKey.map(k -> k.allowsPreset(presetId)).orElse(true);
  }
}
