package io.mcpgateway.gateway.catalog;

import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Opaque cursors (server/utilities/pagination) tied to the list they page: a cursor names the list kind, a
 * fingerprint of the exact list it was cut from and an offset. A cursor from a list that has changed since is
 * refused (-32602) rather than silently skipping or repeating items; the client lists again from the start.
 */
public final class Pages {
  public static final int PAGE_SIZE = 100;

  public record Page<T>(List<T> items, Optional<String> nextCursor) {}

  private Pages() {}

  /** {@code fingerprint}: identifies the list's content (names and owners), see {@link #fingerprint}. */
  public static <T> Page<T> page(String kind, String fingerprint, List<T> items, String cursor) {
    int from = cursor == null ? 0 : decode(kind, fingerprint, cursor);
    int start = Math.min(from, items.size());
    int to = Math.min(items.size(), start + PAGE_SIZE);
    Optional<String> next = to < items.size() ? Optional.of(encode(kind, fingerprint, to)) : Optional.empty();
    return new Page<>(items.subList(start, to), next);
  }

  public static String fingerprint(List<String> keys) {
    return Federation.sha256(String.join("\n", keys)).substring(0, 16);
  }

  private static String encode(String kind, String fingerprint, int offset) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind + ":" + fingerprint + ":" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decode(String kind, String fingerprint, String cursor) {
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("is not a cursor this server returned");
    }
    String[] parts = raw.split(":", -1);
    if (parts.length != 3 || !parts[0].equals(kind)) {
      throw invalid("is not a cursor this server returned");
    }
    if (!parts[1].equals(fingerprint)) {
      throw invalid("belongs to a list that has changed since; list again without a cursor");
    }
    try {
      int offset = Integer.parseInt(parts[2]);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw invalid("is not a cursor this server returned");
  }

  private static GatewayException invalid(String reason) {
    return GatewayException.invalid(List.of(new FieldError("cursor", reason)));
  }
}
