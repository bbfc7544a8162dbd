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
    Scale scale,
    CallerLimits callerLimits) {

  /**
   * The three listeners. {@code host} binds the MCP port (public); the management API and /metrics bind
   * {@code managementHost} / {@code metricsHost} (loopback by default).
   */
  public record Http(String host, int port, String managementHost, int managementPort, String metricsHost,
      int metricsPort, URI publicUrl, long bodyLimitBytes, List<String> allowedOrigins, Connections connections) {}

  /**
   * What every listener allows one connection (see docs/LIMITS.md): a new connection must send its first
   * request head within {@code headerTimeout}; a connection with no request in progress is closed after
   * {@code idleTimeout}; a request body must arrive whole within {@code bodyTimeout}; each port accepts at
   * most {@code maxConnections} at once.
   */
  public record Connections(Duration headerTimeout, Duration idleTimeout, Duration bodyTimeout, int maxConnections) {}

  /**
   * Bounds on what one caller can make the data plane hold: sessions per caller (callers as rate-limited:
   * principal, or client IP with IPv6 grouped by /64) and per node, JSON-RPC batch size, and how long presets
   * keep serving from the last known configuration while PostgreSQL is unreachable.
   */
  public record CallerLimits(int sessionsPerCaller, int sessionsPerNode, int maxBatchSize, Duration staleConfigFor,
      int lookupFailuresPerMinute) {}

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
   * {@code requiredScopes} apply on the data plane; {@code managementScopes} on the management API (beyond
   * {@code GET /me}), so a token minted for MCP clients cannot manage the gateway or mint API keys.
   */
  public record OAuth(String audience, List<String> requiredScopes, List<String> managementScopes, String adminClaim,
      Optional<String> adminValue, Duration clockSkew, Optional<String> consoleClientId) {}

  /**
   * Hazelcast membership: TCP/IP {@code members}, or, when {@code kubernetesServiceDns} is set, the pods behind
   * that headless service (Hazelcast's Kubernetes discovery in DNS mode, no API access needed).
   */
  public record Cluster(boolean enabled, String host, int port, List<String> members, String kubernetesServiceDns) {}

  /**
   * {@code maxMessageBytes} bounds one upstream message: a JSON response body, one SSE event (and so one line),
   * one stdio line. {@code sseRetryFloor} is the shortest reconnect delay an upstream's SSE {@code retry} may ask for.
   * {@code maxSubscriptions} bounds the (server, resource URI) subscriptions one gateway instance holds upstream.
   * {@code caFile}: a PEM file of CA certificates trusted for upstream TLS besides the JVM's own.
   */
  public record Upstream(Duration toolCallTimeout, Duration catalogTimeout, long maxMessageBytes, Duration sseRetryFloor,
      int maxSubscriptions, Optional<java.nio.file.Path> caFile) {}

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
