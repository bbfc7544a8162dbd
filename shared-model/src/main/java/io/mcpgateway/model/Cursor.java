package io.mcpgateway.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Opaque keyset cursors: the (time, id) of the last item of a page, base64url-encoded. */
public record Cursor(Instant at, UUID id) {
  public String encode() {
    String raw = at.toString() + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor a client sent back; a tampered or foreign cursor is invalid input. */
  public static Cursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
    } catch (RuntimeException e) {
      throw GatewayException.invalid(List.of(new FieldError("cursor", "is not a cursor this API returned")));
    }
  }

  /** Clamps a requested page size to 1..max, with {@code fallback} when absent. */
  public static int limit(Integer requested, int fallback, int max) {
    if (requested == null) {
      return fallback;
    }
    if (requested < 1 || requested > max) {
      throw GatewayException.invalid(List.of(new FieldError("limit", "must be between 1 and " + max
          + " (got " + requested + ")")));
    }
    return requested;
  }
}
