package io.mcpgateway.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.crypto.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private final SecretBox key = SecretBox.fromBase64(SecretBox.generateKey());
  private final UUID preset = UUID.randomUUID();

  @Test
  void a_token_opens_on_any_holder_of_the_key_with_its_claims() {
    String token = new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC()).issue(preset, "2025-11-25", "ip:10.0.0.7");
    var claims = new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC()).open(token).orElseThrow();
    assertThat(claims.presetId()).isEqualTo(preset);
    assertThat(claims.protocolVersion()).isEqualTo("2025-11-25");
    assertThat(claims.callerKey()).isEqualTo("ip:10.0.0.7");
    assertThat(token).matches("[A-Za-z0-9_-]+").doesNotContain("10.0.0.7");
  }

  @Test
  void altered_foreign_and_malformed_tokens_do_not_open() {
    SessionTokens tokens = new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC());
    String token = tokens.issue(preset, "2025-06-18", UUID.randomUUID().toString());
    char last = token.charAt(token.length() - 2);
    String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    assertThat(tokens.open(altered)).isEmpty();
    SessionTokens other = new SessionTokens(SecretBox.fromBase64(SecretBox.generateKey()), Duration.ofHours(1), Clock.systemUTC());
    assertThat(other.open(token)).isEmpty();
    assertThat(tokens.open("no-such-session")).isEmpty();
    assertThat(tokens.open("")).isEmpty();
    assertThat(tokens.open("x".repeat(10_000))).isEmpty();
  }

  @Test
  void a_token_sealed_for_sessions_does_not_open_as_an_upstream_secret() {
    SessionTokens tokens = new SessionTokens(key, Duration.ofHours(1), Clock.systemUTC());
    byte[] sealedSecret = key.seal("secret".getBytes(), "mcp-gateway session v1".getBytes());
    assertThat(tokens.open(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sealedSecret))).isEmpty();
  }

  @Test
  void a_token_older_than_the_maximum_age_no_longer_opens() {
    Instant issued = Instant.parse("2026-01-01T00:00:00Z");
    String token = new SessionTokens(key, Duration.ofHours(1), Clock.fixed(issued, ZoneOffset.UTC)).issue(preset, "2025-11-25", "k");
    assertThat(new SessionTokens(key, Duration.ofHours(1), Clock.fixed(issued.plusSeconds(3599), ZoneOffset.UTC)).open(token)).isPresent();
    assertThat(new SessionTokens(key, Duration.ofHours(1), Clock.fixed(issued.plusSeconds(3601), ZoneOffset.UTC)).open(token)).isEmpty();
  }
}
