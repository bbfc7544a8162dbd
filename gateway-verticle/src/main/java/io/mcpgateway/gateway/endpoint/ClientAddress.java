package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.model.net.IpRanges;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The caller's IP for anonymous rate limiting: the TCP peer, or the nearest untrusted address of
 * {@code X-Forwarded-For} when the peer is a configured trusted proxy (IP or CIDR). Never trusts the header
 * from anyone else, so clients cannot pick their own rate-limit bucket.
 */
public final class ClientAddress {
  private final IpRanges trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = IpRanges.parse("MGW_TRUSTED_PROXIES", "an IP or CIDR", trustedProxies);
  }

  public String of(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    return resolve(peer, ctx.request().getHeader("X-Forwarded-For"));
  }

  /** The client address given the TCP peer and the X-Forwarded-For header (may be null). */
  public String resolve(String peer, String forwarded) {
    if (forwarded == null || trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !isTrusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  boolean isTrusted(String ip) {
    return trusted.containsLiteral(ip);
  }
}
