package io.mcpgateway.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress addresses = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.7"));

  @Test
  void forwarded_for_is_believed_only_from_trusted_proxies() {
    assertThat(addresses.resolve("10.1.2.3", "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(addresses.resolve("192.168.1.7", "203.0.113.9, 10.4.4.4")).isEqualTo("203.0.113.9");
    assertThat(addresses.resolve("198.51.100.1", "203.0.113.9")).as("an untrusted peer cannot pick its bucket")
        .isEqualTo("198.51.100.1");
    assertThat(addresses.resolve("10.1.2.3", null)).isEqualTo("10.1.2.3");
  }

  @Test
  void the_nearest_untrusted_hop_is_the_client_and_names_are_never_resolved() {
    assertThat(addresses.resolve("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.9.9.9")).isEqualTo("203.0.113.9");
    assertThat(addresses.resolve("10.1.2.3", "evil.example.com")).isEqualTo("evil.example.com");
    assertThat(new ClientAddress(List.of()).resolve("127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/x"))).hasMessageContaining("MGW_TRUSTED_PROXIES");
  }
}
