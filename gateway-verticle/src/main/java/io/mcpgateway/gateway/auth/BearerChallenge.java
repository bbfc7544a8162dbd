package io.mcpgateway.gateway.auth;

import io.mcpgateway.config.GatewayConfig;
import java.net.URI;
import java.util.List;

/**
 * The {@code WWW-Authenticate} values of {@code /mcp/{slug}} (RFC 6750 §3, RFC 9728 §5.1). With an
 * authorization server configured, a challenge points to the preset's protected resource metadata and names
 * the required scopes, as MCP authorization (2025-11-25 and 2026-07-28, §Protected Resource Metadata Discovery
 * and §Scope Selection Strategy) asks. Without one there is no metadata to point to (it must name an
 * authorization server), so the challenge is a plain Bearer realm: only API keys can answer it.
 */
public final class BearerChallenge {
  static final String REALM = "mcp-gateway";

  private final URI publicUrl;
  private final boolean oauth;
  private final List<String> scopes;

  public BearerChallenge(GatewayConfig config) {
    this.publicUrl = config.http().publicUrl();
    this.oauth = config.security().oauthIssuer().isPresent();
    this.scopes = config.security().oauth().requiredScopes();
  }

  /** Whether an authorization server is configured (and so the metadata document exists). */
  public boolean oauth() {
    return oauth;
  }

  /** 401: no credentials ({@code errorDescription} null), or credentials that were refused. */
  public String unauthorized(String slug, String errorDescription) {
    StringBuilder value = start(slug);
    if (errorDescription != null) {
      value.append(", error=\"invalid_token\", error_description=\"").append(quoted(errorDescription)).append('"');
    }
    return value.toString();
  }

  /** 403 for a valid token that lacks scopes: every required scope in one challenge (2026-07-28 §Scope). */
  public String insufficientScope(String slug) {
    return start(slug).append(", error=\"insufficient_scope\"").toString();
  }

  private StringBuilder start(String slug) {
    StringBuilder value = new StringBuilder("Bearer ");
    if (!oauth) {
      return value.append("realm=\"").append(REALM).append('"');
    }
    value.append("resource_metadata=\"").append(ProtectedResourceMetadata.url(publicUrl, slug)).append('"');
    if (!scopes.isEmpty()) {
      value.append(", scope=\"").append(String.join(" ", scopes)).append('"');
    }
    return value;
  }

  /** A quoted-string may not hold {@code "} or {@code \}; descriptions are ours, so replacing is enough. */
  private static String quoted(String s) {
    return s.replace('"', '\'').replace('\\', '/');
  }
}
