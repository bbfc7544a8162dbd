package io.mcpgateway.management.server;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.net.IpRanges;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SSRF guard for upstream URLs registered by non-admins: the host must resolve only to public addresses —
 * not loopback, link-local (incl. cloud metadata 169.254.169.254), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), carrier-grade NAT, multicast or unspecified — unless it is on the configured allow-list
 * (hosts or CIDRs). DNS is resolved on a worker thread, never on the event loop.
 */
public final class UrlPolicy {
  private final Vertx vertx;
  private final List<String> allowedHosts = new ArrayList<>();
  private final IpRanges allowedRanges;

  public UrlPolicy(Vertx vertx, List<String> allowList) {
    this.vertx = vertx;
    List<String> ranges = new ArrayList<>();
    for (String entry : allowList) {
      if (entry.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
        ranges.add(entry);
      } else {
        allowedHosts.add(entry.toLowerCase(Locale.ROOT));
      }
    }
    this.allowedRanges = IpRanges.parse("MGW_PRIVATE_NETWORK_ALLOWLIST", "a host or CIDR", ranges);
  }

  /** Succeeds when a non-admin may use {@code url}; fails FORBIDDEN naming the private address otherwise. */
  public Future<Void> check(String url) {
    String host = URI.create(url).getHost().toLowerCase(Locale.ROOT);
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (allowedHosts.contains(bare)) {
      return Future.succeededFuture();
    }
    return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(bare))
        .recover(e -> Future.failedFuture(new GatewayException(ErrorCode.RULE_VIOLATION,
            "url: the host \"" + bare + "\" does not resolve" + (e instanceof UnknownHostException ? "" : ": " + e.getMessage()))))
        .compose(addresses -> {
          for (InetAddress a : addresses) {
            if (isPrivate(a) && !allowed(a)) {
              return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
                  "url: \"" + bare + "\" resolves to the non-public address " + a.getHostAddress()
                      + "; only administrators may register servers on private networks"
                      + " (or add it to MGW_PRIVATE_NETWORK_ALLOWLIST)"));
            }
          }
          return Future.succeededFuture();
        });
  }

  static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second <= 127) // CGNAT 100.64/10
          || (first == 192 && second == 0 && (b[2] & 0xff) == 0) || first >= 240;
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      boolean uniqueLocal = (first & 0xfe) == 0xfc;
      boolean mappedV4 = isMappedV4(b);
      if (mappedV4) {
        try {
          return isPrivate(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return true;
        }
      }
      return uniqueLocal;
    }
    return false;
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private boolean allowed(InetAddress a) {
    return allowedRanges.contains(a);
  }
}
