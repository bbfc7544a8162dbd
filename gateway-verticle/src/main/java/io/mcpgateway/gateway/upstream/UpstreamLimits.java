package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.net.PrivateNetworkPolicy;
import io.vertx.core.net.TrustOptions;
import java.time.Duration;

/**
 * Bounds on what an upstream may make the gateway hold or wait for (docs/LIMITS.md).
 *
 * @param maxMessageBytes one upstream message: a JSON response body, one SSE event (and so its lines), one stdio
 *     line; a larger one fails its call with "upstream response too large"
 * @param sseRetryFloor the shortest reconnect delay an SSE {@code retry} field may ask for
 * @param controlTimeout requests that carry no call of their own: {@code notifications/initialized}, other
 *     notifications and replies POSTed to the server, the DELETE ending a session, the legacy {@code endpoint} wait
 * @param streamIdleTimeout an HTTP connection with no bytes in either direction this long is closed (a quiet
 *     GET stream is then reopened); longer than the longest per-server tool-call timeout (10 min)
 * @param network the addresses servers no administrator configured may connect to (checked at every connect)
 * @param maxSubscriptions the (server, resource URI) subscriptions a pool (gateway instance) holds upstream
 * @param trust the CAs trusted for upstream TLS ({@link UpstreamTrust}); null: the JVM's default trust store
 */
public record UpstreamLimits(int maxMessageBytes, Duration sseRetryFloor, Duration controlTimeout,
    Duration streamIdleTimeout, PrivateNetworkPolicy network, int maxSubscriptions, TrustOptions trust) {
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 10_000;

  public static UpstreamLimits defaults() {
    return new UpstreamLimits(DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofMinutes(11), PrivateNetworkPolicy.of(java.util.List.of()), DEFAULT_MAX_SUBSCRIPTIONS, null);
  }

  public UpstreamLimits withMaxSubscriptions(int max) {
    return new UpstreamLimits(maxMessageBytes, sseRetryFloor, controlTimeout, streamIdleTimeout, network, max, trust);
  }

  public UpstreamLimits withMaxMessageBytes(int bytes) {
    return new UpstreamLimits(bytes, sseRetryFloor, controlTimeout, streamIdleTimeout, network, maxSubscriptions, trust);
  }

  public UpstreamLimits withSseRetryFloor(Duration floor) {
    return new UpstreamLimits(maxMessageBytes, floor, controlTimeout, streamIdleTimeout, network, maxSubscriptions, trust);
  }

  public UpstreamLimits withControlTimeout(Duration timeout) {
    return new UpstreamLimits(maxMessageBytes, sseRetryFloor, timeout, streamIdleTimeout, network, maxSubscriptions, trust);
  }

  public UpstreamLimits withNetwork(PrivateNetworkPolicy policy) {
    return new UpstreamLimits(maxMessageBytes, sseRetryFloor, controlTimeout, streamIdleTimeout, policy, maxSubscriptions, trust);
  }

  public UpstreamLimits withTrust(TrustOptions options) {
    return new UpstreamLimits(maxMessageBytes, sseRetryFloor, controlTimeout, streamIdleTimeout, network, maxSubscriptions, options);
  }

  /** HTTP client options for an upstream: the given ones with this trust applied (when set). */
  io.vertx.core.http.HttpClientOptions tls(io.vertx.core.http.HttpClientOptions options) {
    return trust == null ? options : options.setTrustOptions(trust);
  }
}
