package io.mcpgateway.gateway.session;

import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.gateway.upstream.DownstreamClient;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Session ids that carry their session: an AES-256-GCM sealed, authenticated token (under a key derived from
 * {@code MGW_SECRET_KEY}) holding what any gateway instance, on any node, needs to continue the session —
 * preset, creator, negotiated protocol version, issue time, and the client capabilities the gateway relays
 * (roots, sampling, elicitation: they decide which upstream session serves the caller's calls). No instance has to have seen the session before,
 * so neither verticle instances nor nodes need affinity (agentgateway's approach). Thread-safe and stateless.
 * Tokens older than {@code maxAge} no longer open (the client gets 404 and initializes again).
 */
public final class SessionTokens {
  private static final byte[] AAD = "mcp-gateway session v1".getBytes(StandardCharsets.US_ASCII);
  /** Longer ids cannot be ours; refuse them before any decoding. */
  private static final int MAX_TOKEN_CHARS = 1024;
  /** Relayed capabilities longer than this (as JSON) are kept by name only (their sub-objects dropped). */
  static final int MAX_CAPABILITIES_BYTES = 256;

  /** What a session id says about its session. {@code callerKey} is {@code Caller.rateKey()} of its creator. */
  public record Claims(UUID presetId, String protocolVersion, String callerKey, long issuedAtMillis,
      JsonObject clientCapabilities) {}

  private final SecretBox box;
  private final Duration maxAge;
  private final Clock clock;

  public SessionTokens(SecretBox nodeKey, Duration maxAge, Clock clock) {
    this.box = nodeKey.derive("mcp-gateway session tokens");
    this.maxAge = maxAge;
    this.clock = clock;
  }

  public Duration maxAge() {
    return maxAge;
  }

  public String issue(UUID presetId, String protocolVersion, String callerKey) {
    return issue(presetId, protocolVersion, callerKey, new JsonObject());
  }

  /** {@code clientCapabilities}: what the client declared; only the relayed ones are sealed in. */
  public String issue(UUID presetId, String protocolVersion, String callerKey, JsonObject clientCapabilities) {
    byte[] version = protocolVersion.getBytes(StandardCharsets.US_ASCII);
    byte[] caller = callerKey.getBytes(StandardCharsets.UTF_8);
    byte[] capabilities = sealedCapabilities(clientCapabilities);
    ByteBuffer plain = ByteBuffer.allocate(16 + 8 + 1 + version.length + 2 + capabilities.length + caller.length)
        .putLong(presetId.getMostSignificantBits()).putLong(presetId.getLeastSignificantBits())
        .putLong(clock.millis()).put((byte) version.length).put(version)
        .putShort((short) capabilities.length).put(capabilities).put(caller);
    return box.sealToken(plain.array(), AAD);
  }

  /** The claims of a token this gateway issued and that is not older than the maximum age; empty otherwise. */
  public Optional<Claims> open(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    try {
      ByteBuffer plain = ByteBuffer.wrap(box.openToken(token, AAD));
      UUID preset = new UUID(plain.getLong(), plain.getLong());
      long issuedAt = plain.getLong();
      byte[] version = new byte[plain.get()];
      plain.get(version);
      byte[] capabilities = new byte[plain.getShort()];
      plain.get(capabilities);
      byte[] caller = new byte[plain.remaining()];
      plain.get(caller);
      if (clock.millis() - issuedAt > maxAge.toMillis()) {
        return Optional.empty();
      }
      return Optional.of(new Claims(preset, new String(version, StandardCharsets.US_ASCII),
          new String(caller, StandardCharsets.UTF_8), issuedAt,
          capabilities.length == 0 ? new JsonObject() : new JsonObject(new String(capabilities, StandardCharsets.UTF_8))));
    } catch (RuntimeException forgedOrMalformed) {
      // Not base64, altered, sealed under another key or truncated: not a session of this gateway.
      return Optional.empty();
    }
  }

  private static byte[] sealedCapabilities(JsonObject declared) {
    JsonObject relayed = DownstreamClient.boundedRelayedCapabilities(declared, MAX_CAPABILITIES_BYTES);
    return relayed.isEmpty() ? new byte[0] : relayed.encode().getBytes(StandardCharsets.UTF_8);
  }

  /** When a token issued at {@code issuedAtMillis} stops opening. */
  public long expiresAt(long issuedAtMillis) {
    return issuedAtMillis + maxAge.toMillis();
  }

  long now() {
    return clock.millis();
  }
}
