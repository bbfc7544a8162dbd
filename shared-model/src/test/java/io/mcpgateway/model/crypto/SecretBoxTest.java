package io.mcpgateway.model.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private final SecretBox box = SecretBox.fromBase64(SecretBox.generateKey());
  private final byte[] plain = "Bearer upstream-token".getBytes(StandardCharsets.UTF_8);
  private final byte[] row = "upstream_servers:1".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealed_value_opens_with_the_same_key_and_row() {
    byte[] sealed = box.seal(plain, row);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("upstream-token");
    assertThat(box.open(sealed, row)).isEqualTo(plain);
  }

  @Test
  void sealing_twice_gives_different_ciphertexts() {
    assertThat(box.seal(plain, row)).isNotEqualTo(box.seal(plain, row));
  }

  @Test
  void another_key_a_moved_value_or_a_flipped_bit_does_not_open() {
    byte[] sealed = box.seal(plain, row);
    SecretBox other = SecretBox.fromBase64(SecretBox.generateKey());
    assertThatThrownBy(() -> other.open(sealed, row)).hasMessageContaining("does not open");
    assertThatThrownBy(() -> box.open(sealed, "upstream_servers:2".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("does not open");
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.open(sealed, row)).hasMessageContaining("does not open");
  }
}
