package io.mcpgateway.management.server;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.net.PrivateNetworkPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * SSRF guard for upstream URLs registered by non-admins ({@link PrivateNetworkPolicy}): the host, read as a
 * resolver reads it ({@code 0177.0.0.1} is 127.0.0.1), must resolve only to addresses the policy permits. DNS is
 * resolved on a worker thread, never on the event loop. This is the check at registration; the gateway checks
 * again the address it connects to, every time (the name may resolve elsewhere by then).
 */
public final class UrlPolicy {
  private final Vertx vertx;
  private final PrivateNetworkPolicy policy;

  public UrlPolicy(Vertx vertx, List<String> allowList) {
    this.vertx = vertx;
    this.policy = PrivateNetworkPolicy.of(allowList);
  }

  /** Succeeds when a non-admin may use {@code url}; fails FORBIDDEN naming the private address otherwise. */
  public Future<Void> check(String url) {
    String host = PrivateNetworkPolicy.hostOf(url);
    if (host == null || host.isEmpty()) {
      return Future.failedFuture(new GatewayException(ErrorCode.RULE_VIOLATION, "url: has no host"));
    }
    if (policy.allowedHost(host)) {
      return Future.succeededFuture();
    }
    Optional<InetAddress> literal = PrivateNetworkPolicy.literal(host);
    Future<InetAddress[]> resolved = literal.isPresent() ? Future.succeededFuture(new InetAddress[] {literal.get()})
        : vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(host))
            .recover(e -> Future.failedFuture(new GatewayException(ErrorCode.RULE_VIOLATION,
                "url: the host \"" + host + "\" does not resolve" + (e instanceof UnknownHostException ? "" : ": " + e.getMessage()))));
    return resolved.compose(addresses -> {
      for (InetAddress a : addresses) {
        if (!policy.permits(a)) {
          return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
              "url: \"" + host + "\" resolves to the non-public address " + a.getHostAddress()
                  + "; only administrators may register servers on private networks"
                  + " (or add it to MGW_PRIVATE_NETWORK_ALLOWLIST)"));
        }
      }
      return Future.succeededFuture();
    });
  }
}
