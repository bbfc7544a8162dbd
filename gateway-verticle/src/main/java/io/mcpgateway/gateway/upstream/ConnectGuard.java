package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.net.PrivateNetworkPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.Optional;

/**
 * SSRF at connect time: for a server no administrator pointed (it may reach public addresses only), every HTTP
 * request resolves the host itself (on a worker thread), checks every address against the
 * {@link PrivateNetworkPolicy}, and connects to the vetted IP. The URL's host stays the request's authority, so
 * the Host header, TLS SNI and certificate verification are unchanged (Vert.x connects to {@code server} and
 * speaks to the authority). A name that resolved to a public address when it was registered and to 10.0.0.5 now
 * (DNS rebinding) is refused, on the first connection and on every reconnection.
 */
final class ConnectGuard {
  private static final ConnectGuard TRUSTED = new ConnectGuard(null, null, null);

  private final Vertx vertx;
  private final String server;
  private final PrivateNetworkPolicy policy;

  private ConnectGuard(Vertx vertx, String server, PrivateNetworkPolicy policy) {
    this.vertx = vertx;
    this.server = server;
    this.policy = policy;
  }

  /** For servers an administrator configured: the client resolves and connects as it likes. */
  static ConnectGuard trusted() {
    return TRUSTED;
  }

  static ConnectGuard publicOnly(Vertx vertx, String server, PrivateNetworkPolicy policy) {
    return new ConnectGuard(vertx, server, policy);
  }

  /** {@code options} pinned to a vetted address, or a failure naming the refused address. */
  Future<RequestOptions> route(RequestOptions options) {
    if (policy == null) {
      return Future.succeededFuture(options);
    }
    String host = options.getHost();
    if (host == null) {
      return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + server + "\" has no host"));
    }
    int port = options.getPort() != null && options.getPort() > 0 ? options.getPort()
        : Boolean.TRUE.equals(options.isSsl()) ? 443 : 80;
    if (policy.allowedHost(host)) {
      return Future.succeededFuture(options); // an allow-listed name (possibly internal-only)
    }
    String name = PrivateNetworkPolicy.normalHost(host);
    Optional<InetAddress> literal = PrivateNetworkPolicy.literal(name);
    Future<InetAddress[]> resolved = literal.isPresent() ? Future.succeededFuture(new InetAddress[] {literal.get()})
        : vertx.executeBlocking(() -> InetAddress.getAllByName(name), false);
    return resolved.recover(e -> Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "upstream \"" + server + "\" is unreachable: its host does not resolve")))
        .compose(addresses -> {
          for (InetAddress a : addresses) {
            if (!policy.permits(a)) {
              return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + server
                  + "\" resolves to the non-public address " + a.getHostAddress() + " now; refused (only servers an"
                  + " administrator configured may reach private networks)"));
            }
          }
          return Future.succeededFuture(options.setServer(SocketAddress.inetSocketAddress(port, addresses[0].getHostAddress())));
        });
  }
}
