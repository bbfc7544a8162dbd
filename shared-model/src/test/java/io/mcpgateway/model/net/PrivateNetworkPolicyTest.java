package io.mcpgateway.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hosts are read as resolvers read them, so the policy checks what a client would connect to. */
class PrivateNetworkPolicyTest {
  private static String literal(String host) {
    return PrivateNetworkPolicy.literal(host).map(InetAddress::getHostAddress).orElse(null);
  }

  @Test
  void every_ipv4_form_inet_aton_accepts_is_read_as_the_address_it_denotes() {
    assertThat(literal("0177.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(literal("0x7f.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(literal("0x7F000001")).isEqualTo("127.0.0.1");
    assertThat(literal("2130706433")).isEqualTo("127.0.0.1");
    assertThat(literal("127.1")).isEqualTo("127.0.0.1");
    assertThat(literal("10.1.2")).isEqualTo("10.1.0.2");
    assertThat(literal("127.0.0.1.")).isEqualTo("127.0.0.1");
    assertThat(literal("0251.0376.0251.0376")).isEqualTo("169.254.169.254");
    assertThat(literal("[::ffff:127.0.0.1]")).isEqualTo("127.0.0.1");
    assertThat(literal("93.184.215.14")).isEqualTo("93.184.215.14");
  }

  @Test
  void names_and_malformed_numbers_are_names_to_resolve() {
    assertThat(literal("example.com")).isNull();
    assertThat(literal("1.2.3.4.5")).isNull();
    assertThat(literal("256.1.1.1")).isNull();
    assertThat(literal("08.1.1.1")).isNull();
    assertThat(literal("0x.1.1.1")).isNull();
  }

  @Test
  void private_addresses_are_refused_unless_allow_listed() throws Exception {
    var policy = PrivateNetworkPolicy.of(List.of("10.1.0.0/16", "intranet.example"));
    for (String a : List.of("127.0.0.1", "10.0.0.1", "172.16.5.5", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:10.0.0.1", "::127.0.0.1")) {
      assertThat(policy.permits(InetAddress.getByName(a))).as(a).isFalse();
    }
    assertThat(policy.permits(InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(policy.permits(InetAddress.getByName("93.184.215.14"))).isTrue();
    assertThat(policy.allowedHost("Intranet.Example.")).isTrue();
  }
}
