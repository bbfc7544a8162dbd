package io.mcpgateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The whole, validated configuration of one node. Built by {@link ConfigLoader}; immutable. */
public record GatewayConfig(
    Http http,
    Database database,
    Optional<URI> redisUrl,
    Security security,
    Set<Role> roles,
    Cluster cluster,
    Upstream upstream,
    Duration sessionIdleTimeout,
    int defaultRateLimitPerMinute,
    List<String> trustedProxies,
    int metricsRetentionDays,
    Duration shutdownGrace,
    Scale scale) {

  public record Http(String host, int port, int managementPort, int metricsPort, URI publicUrl, long bodyLimitBytes, List<String> allowedOrigins) {}

  /** {@code url} empty means: run the embedded PostgreSQL with its data under {@code dataDir}. */
  public record Database(Optional<URI> url, String schema, int poolSize, String dataDir, Duration timeout) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  public record Security(
      Optional<String> secretKey,
      Optional<String> adminApiKey,
      Optional<URI> oauthIssuer,
      List<String> privateNetworkAllowlist,
      OAuth oauth) {}

  /**
   * How bearer tokens from {@code oauthIssuer} are accepted (MCP authorization, RFC 9068/8707), and the public
   * client the web console signs in with (authorization code + PKCE; empty = API-key sign-in only).
   */
  public record OAuth(String audience, List<String> requiredScopes, String adminClaim, Optional<String> adminValue,
      Duration clockSkew, Optional<String> consoleClientId) {}

  /**
   * Hazelcast membership: TCP/IP {@code members}, or, when {@code kubernetesServiceDns} is set, the pods behind
   * that headless service (Hazelcast's Kubernetes discovery in DNS mode, no API access needed).
   */
  public record Cluster(boolean enabled, String host, int port, List<String> members, String kubernetesServiceDns) {}

  /**
   * {@code maxMessageBytes} bounds one upstream message: a JSON response body, one SSE event (and so one line),
   * one stdio line. {@code sseRetryFloor} is the shortest reconnect delay an upstream's SSE {@code retry} may ask for.
   */
  public record Upstream(Duration toolCallTimeout, Duration catalogTimeout, long maxMessageBytes, Duration sseRetryFloor) {}

  /**
   * How the data plane spreads over cores and nodes: {@code gatewayInstances} event-loop instances of the
   * gateway verticle (0 in the file = one per available processor, resolved here), and how long a session
   * token stays valid at most ({@code sessionMaxAge}).
   */
  public record Scale(int gatewayInstances, Duration sessionMaxAge) {}

  public boolean runs(Role role) {
    return roles.contains(role);
  }
}
