package io.mcpgateway.model.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A set of IP addresses and CIDR ranges (IPv4 and IPv6) from configuration, e.g. trusted proxies or allow-lists. */
public final class IpRanges {
  private record Range(BigInteger network, BigInteger mask, int bytes) {}

  private final List<Range> ranges;

  private IpRanges(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** Parses {@code a.b.c.d}, {@code a.b.c.d/n} and IPv6 forms; a bad entry fails naming {@code setting}. */
  public static IpRanges parse(String setting, String expected, List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      String[] parts = entry.split("/", 2);
      try {
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        int width = address.length * 8;
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : width;
        if (bits < 0 || bits > width) {
          throw new NumberFormatException("prefix length out of range");
        }
        BigInteger all = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
        BigInteger mask = all.shiftRight(bits).xor(all);
        ranges.add(new Range(new BigInteger(1, address).and(mask), mask, address.length));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException(setting + " entry \"" + entry + "\" is not " + expected);
      }
    }
    return new IpRanges(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    BigInteger value = new BigInteger(1, bytes);
    for (Range r : ranges) {
      if (r.bytes() == bytes.length && value.and(r.mask()).equals(r.network())) {
        return true;
      }
    }
    return false;
  }

  /** For addresses taken from requests: only IP literals are considered, a name is never resolved. */
  public boolean containsLiteral(String ip) {
    return literal(ip).map(this::contains).orElse(false);
  }

  /**
   * The address an IP literal (IPv4 dotted quad or IPv6) spells, parsed without any name lookup; empty for
   * anything else ({@code InetAddress.getByName} would resolve "face.bad" over DNS, blocking the caller).
   */
  public static java.util.Optional<InetAddress> literal(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 45) {
      return java.util.Optional.empty();
    }
    byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(ip);
    if (bytes == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * How limits group client addresses: an IPv4 address alone, an IPv6 address by its /64 (a home or a
   * server usually holds a whole /64, so per-address limits would be free to dodge); non-literals as given.
   */
  public static String limitKey(String ip) {
    var address = literal(ip);
    if (address.isEmpty() || address.get().getAddress().length != 16) {
      return ip;
    }
    byte[] b = address.get().getAddress();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      out.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return out.append(":/64").toString();
  }
}
