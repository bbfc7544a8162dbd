package io.mcpgateway.model.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which addresses an upstream server registered by a non-admin may reach: public ones, plus the configured
 * allow-list ({@code MGW_PRIVATE_NETWORK_ALLOWLIST}: hosts or CIDRs). Not loopback, link-local (cloud metadata
 * 169.254.169.254), private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT, multicast, unspecified.
 * Used by both planes: the management API when a URL is registered or changed, the gateway for the address it
 * actually connects to (a name may resolve elsewhere by then: DNS rebinding).
 *
 * <p>Hosts are read the way resolvers read them, so that what is checked is what would be connected to:
 * lower case, without brackets or a trailing dot, and IPv4 in every form {@code inet_aton} accepts — octal
 * ({@code 0177.0.0.1}), hex ({@code 0x7f.0.0.1}), a single number ({@code 2130706433}) and short forms
 * ({@code 127.1}). Java itself reads {@code 0177.0.0.1} as 177.0.0.1; a C resolver reads it as 127.0.0.1.
 */
public final class PrivateNetworkPolicy {
  private final List<String> allowedHosts = new ArrayList<>();
  private final IpRanges allowedRanges;

  private PrivateNetworkPolicy(List<String> allowList) {
    List<String> ranges = new ArrayList<>();
    for (String entry : allowList) {
      if (entry.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
        ranges.add(entry);
      } else {
        allowedHosts.add(normalHost(entry));
      }
    }
    this.allowedRanges = IpRanges.parse("MGW_PRIVATE_NETWORK_ALLOWLIST", "a host or CIDR", ranges);
  }

  public static PrivateNetworkPolicy of(List<String> allowList) {
    return new PrivateNetworkPolicy(allowList);
  }

  /** The URL's host in the form it is resolved: lower case, no brackets, no trailing dot; null if it has none. */
  public static String hostOf(String url) {
    String host = URI.create(url).getHost();
    return host == null ? null : normalHost(host);
  }

  /** A host as resolvers read it: lower case, no brackets, no trailing dot. */
  public static String normalHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** An allow-listed host name needs no resolution (it may be an internal name). */
  public boolean allowedHost(String host) {
    return allowedHosts.contains(normalHost(host));
  }

  /** Whether a server registered by a non-admin may connect to {@code address}. */
  public boolean permits(InetAddress address) {
    return !isPrivate(address) || allowedRanges.contains(address);
  }

  /**
   * The address an IP-literal host denotes, read as a resolver reads it (see the class comment); empty for a
   * name, which must be resolved.
   */
  public static Optional<InetAddress> literal(String host) {
    String h = normalHost(host);
    try {
      if (h.contains(":")) {
        return h.matches("[0-9a-f:.%a-z]+") ? Optional.of(InetAddress.getByName(h)) : Optional.empty();
      }
      byte[] v4 = inetAton(h);
      return v4 == null ? Optional.empty() : Optional.of(InetAddress.getByAddress(v4));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** glibc's inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest. */
  private static byte[] inetAton(String h) {
    if (h.isEmpty() || h.startsWith(".") || h.contains("..")) {
      return null;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Long v = number(parts[i]);
      if (v == null) {
        return null;
      }
      values[i] = v;
    }
    long address = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 0xff) {
        return null;
      }
      address |= values[i] << (24 - 8 * i);
    }
    long last = values[parts.length - 1];
    int lastBits = 8 * (5 - parts.length);
    if (last >= (1L << lastBits)) {
      return null;
    }
    address |= last;
    return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
  }

  private static Long number(String part) {
    try {
      if (part.startsWith("0x")) {
        return part.length() > 2 && part.length() <= 10 ? Long.parseLong(part.substring(2), 16) : null;
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return part.matches("[0-7]{1,12}") ? Long.parseLong(part, 8) : null;
      }
      return part.matches("\\d{1,10}") ? Long.parseLong(part) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static boolean isPrivate(InetAddress a) {
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
      if (isMappedOrCompatibleV4(b)) {
        try {
          return isPrivate(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return true;
        }
      }
      boolean uniqueLocal = (first & 0xfe) == 0xfc;
      boolean siteLocal = first == 0xfe && (b[1] & 0xc0) == 0xc0;
      boolean nat64 = first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
      return uniqueLocal || siteLocal || nat64;
    }
    return false;
  }

  /** ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated compatible form) both reach the IPv4 address. */
  private static boolean isMappedOrCompatibleV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = b[10] == 0 && b[11] == 0 && ((b[12] | b[13] | b[14]) != 0 || (b[15] & 0xff) > 1);
    return mapped || compatible;
  }
}
