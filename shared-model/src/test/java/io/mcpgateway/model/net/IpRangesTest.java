package io.mcpgateway.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpRangesTest {
  private final IpRanges ranges = IpRanges.parse("MGW_TRUSTED_PROXIES", "an IP or CIDR", List.of("10.0.0.0/8", "fd00::/8"));

  @Test
  void only_ip_literals_are_parsed_and_names_made_of_hex_letters_are_not_looked_up() {
    assertThat(IpRanges.literal("10.1.2.3")).isPresent();
    assertThat(IpRanges.literal("2001:db8::1")).isPresent();
    // Each of these is a valid host name of hex letters and dots; none is an address, none is resolved.
    for (String name : List.of("deadbeef.cafe", "face.bad", "add.be", "a.b.c.d", "0177.0.0.1x", "", "::zz")) {
      assertThat(IpRanges.literal(name)).as(name).isEmpty();
      assertThat(ranges.containsLiteral(name)).as(name).isFalse();
    }
    assertThat(ranges.containsLiteral("10.200.0.1")).isTrue();
    assertThat(ranges.containsLiteral("fd12::1")).isTrue();
    assertThat(ranges.containsLiteral("11.0.0.1")).isFalse();
  }

  @Test
  void limits_group_ipv6_callers_by_their_64_and_ipv4_callers_by_address() {
    assertThat(IpRanges.limitKey("2001:db8:1:2:aaaa::1")).isEqualTo(IpRanges.limitKey("2001:db8:1:2:ffff:1:2:3"))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(IpRanges.limitKey("2001:db8:1:3::1")).isNotEqualTo(IpRanges.limitKey("2001:db8:1:2::1"));
    assertThat(IpRanges.limitKey("203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(IpRanges.limitKey("unknown")).isEqualTo("unknown");
  }
}
