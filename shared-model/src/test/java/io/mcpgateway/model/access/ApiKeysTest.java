package io.mcpgateway.model.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void generated_keys_have_the_documented_format_and_a_12_character_prefix() {
    String key = ApiKeys.generate();
    assertThat(key).matches("mgw_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}");
    assertThat(ApiKeys.prefix(key)).contains(key.substring(0, 12));
  }

  @Test
  void keys_are_unique_and_match_only_their_own_hash() {
    var seen = new HashSet<String>();
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.add(ApiKeys.generate())).isTrue();
    }
    String a = ApiKeys.generate();
    String b = ApiKeys.generate();
    assertThat(ApiKeys.matches(a, ApiKeys.hash(a))).isTrue();
    assertThat(ApiKeys.matches(b, ApiKeys.hash(a))).isFalse();
  }

  @Test
  void strings_not_in_the_key_format_have_no_prefix() {
    assertThat(ApiKeys.prefix("mgw_short")).isEmpty();
    assertThat(ApiKeys.prefix("eyJhbGciOiJSUzI1NiJ9.x.y")).isEmpty();
    assertThat(ApiKeys.prefix(null)).isEmpty();
  }
}
