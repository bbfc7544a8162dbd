package io.mcpgateway.gateway.endpoint;

import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The caller's IP for anonymous rate limiting: the TCP peer, or the nearest untrusted address of
 * {@code X-Forwarded-For} when the peer is a configured trusted proxy (IP or CIDR). Never trusts the header
 * from anyone else, so clients cannot pick their own rate-limit bucket.
 */
public final class ClientAddress {
  private record Cidr(BigInteger network, BigInteger mask, int bytes) {}

  private final List<Cidr> trusted = new ArrayList<>();

  public ClientAddress(List<String> trustedProxies) {
    for (String entry : trustedProxies) {
      String[] parts = entry.split("/", 2);
      try {
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE)
            .shiftRight(bits).xor(BigInteger.ONE.shiftLeft(address.length * 8).subtract(BigInteger.ONE));
        trusted.add(new Cidr(new BigInteger(1, address).and(mask), mask, address.length));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("MGW_TRUSTED_PROXIES entry \"" + entry + "\" is not an IP or CIDR");
      }
    }
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
    if (!ip.matches("[0-9a-fA-F:.]{2,45}")) {
      return false; // only IP literals: never resolve a name on the event loop
    }
    try {
      byte[] address = InetAddress.getByName(ip).getAddress();
      BigInteger value = new BigInteger(1, address);
      for (Cidr c : trusted) {
        if (c.bytes() == address.length && value.and(c.mask()).equals(c.network())) {
          return true;
        }
      }
    } catch (UnknownHostException e) {
      return false;
    }
    return false;
  }
}
