package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.crypto.SecretBox;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

/**
 * The {@code requestState} the gateway itself returns when it turns a 2025-era upstream's request into an
 * {@code input_required} result (MCP 2026-07-28 basic/patterns/mrtr §Server Requirements 4-5): sealed with
 * AES-256-GCM under a key derived from {@code MGW_SECRET_KEY} (every node of a cluster derives the same), so it
 * cannot be forged or altered; it names the gateway instance holding the pending upstream call (its event-bus
 * address), the exchange and its round, and binds them to the caller, preset and request (its method and exposed name or URI), with a short expiry.
 * An upstream's own state never starts with {@link #PREFIX} in practice; one that did would simply be refused.
 * Thread-safe and stateless.
 */
public final class HeldCallStates {
  static final String PREFIX = "mgw1.";
  /** Longer strings cannot be ours; refused before any decoding. */
  static final int MAX_CHARS = 2048;
  private static final byte[] AAD = "mcp-gateway held call v1".getBytes(StandardCharsets.US_ASCII);

  /**
   * What a state says. {@code holder}: the event-bus address of the instance holding the call; {@code deadlineMillis}:
   * when the upstream call itself times out (a forwarded retry waits no longer).
   */
  public record State(String holder, String exchange, int round, String callerKey, UUID presetId, String target,
      long expiresAtMillis, long deadlineMillis) {
    JsonObject toJson() {
      return new JsonObject().put("h", holder).put("x", exchange).put("r", round).put("c", callerKey)
          .put("p", presetId.toString()).put("t", target).put("e", expiresAtMillis).put("d", deadlineMillis);
    }

    static State fromJson(JsonObject j) {
      return new State(j.getString("h"), j.getString("x"), j.getInteger("r"), j.getString("c"),
          UUID.fromString(j.getString("p")), j.getString("t"), j.getLong("e"), j.getLong("d"));
    }
  }

  private final SecretBox box;
  private final Clock clock;

  public HeldCallStates(SecretBox nodeKey, Clock clock) {
    this.box = nodeKey.derive("mcp-gateway held calls");
    this.clock = clock;
  }

  long now() {
    return clock.millis();
  }

  /** True when a retry's {@code requestState} is one this gateway issued (or claims to be). */
  static boolean ours(Object requestState) {
    return requestState instanceof String s && s.startsWith(PREFIX);
  }

  String seal(State state) {
    byte[] plain = state.toJson().encode().getBytes(StandardCharsets.UTF_8);
    return PREFIX + box.sealToken(plain, AAD);
  }

  /** The state behind {@code token}; fails with a -32602 error saying what is wrong and what to do. */
  State open(String token) {
    State state;
    try {
      if (token.length() > MAX_CHARS) {
        throw new IllegalArgumentException("too long");
      }
      byte[] plain = box.openToken(token.substring(PREFIX.length()), AAD);
      state = State.fromJson(new JsonObject(new String(plain, StandardCharsets.UTF_8)));
    } catch (RuntimeException forgedOrMalformed) {
      // Not base64, altered, sealed under another key or truncated.
      throw invalid("requestState was not issued by this gateway or was altered; send the request again without it");
    }
    if (now() > state.expiresAtMillis()) {
      throw invalid("requestState expired (the gateway holds a pending call for " + HeldCalls.HOLD.toSeconds()
          + " s after asking for input); send the request again without it");
    }
    return state;
  }

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: " + message);
  }
}
