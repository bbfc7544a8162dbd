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
    if (!ip.matches("[0-9a-fA-F:.]{2,45}")) {
      return false;
    }
    try {
      return contains(InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
