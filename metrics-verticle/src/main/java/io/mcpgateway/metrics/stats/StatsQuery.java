package io.mcpgateway.metrics.stats;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/**
 * A validated stats request as management forwards it ({@code {v, presetId, from?, to?, bucket?}}, strings as
 * given in the query). Absent {@code to} is now, absent {@code from} is 24 hours before {@code to}, absent
 * {@code bucket} is {@code hour}. The window is bounded so one request cannot scan years of partitions.
 */
public record StatsQuery(UUID presetId, Instant from, Instant to, String bucket) {
  public static final Set<String> BUCKETS = Set.of("minute", "hour", "day");
  static final Duration MAX_WINDOW = Duration.ofDays(366);
  static final Duration MAX_HOURLY_WINDOW = Duration.ofDays(92);
  static final Duration MAX_MINUTE_WINDOW = Duration.ofDays(7);

  /** Parses and checks a request; fails with {@link ErrorCode#INVALID_INPUT} saying what was wrong. */
  public static StatsQuery fromJson(JsonObject body, Instant now) {
    UUID presetId = uuid(text(body, "presetId"));
    String toText = text(body, "to");
    Instant to = toText == null ? now : instant("to", toText);
    String fromText = text(body, "from");
    Instant from = fromText == null ? to.minus(Duration.ofHours(24)) : instant("from", fromText);
    String bucket = text(body, "bucket");
    bucket = bucket == null ? "hour" : bucket;
    if (!BUCKETS.contains(bucket)) {
      throw invalid("bucket must be \"minute\", \"hour\" or \"day\" (got \"" + bucket + "\")");
    }
    if (!from.isBefore(to)) {
      throw invalid("from must be before to (got from=" + from + ", to=" + to + ")");
    }
    Duration window = Duration.between(from, to);
    if (window.compareTo(MAX_WINDOW) > 0) {
      throw invalid("the window from..to may span at most 366 days (got " + window.toDays() + " days)");
    }
    if (bucket.equals("hour") && window.compareTo(MAX_HOURLY_WINDOW) > 0) {
      throw invalid("bucket=hour allows a window of at most 92 days (got " + window.toDays()
          + " days); use bucket=day");
    }
    if (bucket.equals("minute") && window.compareTo(MAX_MINUTE_WINDOW) > 0) {
      throw invalid("bucket=minute allows a window of at most 7 days (got " + window.toDays()
          + " days); use bucket=hour");
    }
    return new StatsQuery(presetId, from, to, bucket);
  }

  private static String text(JsonObject body, String field) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null || value instanceof String s && s.isBlank()) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw invalid(field + " must be a string (got " + value + ")");
    }
    return s.strip();
  }

  private static UUID uuid(String text) {
    if (text == null) {
      throw invalid("presetId is required");
    }
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw invalid("presetId must be a UUID (got \"" + text + "\")");
    }
  }

  private static Instant instant(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(field + " must be an ISO-8601 UTC instant such as 2026-11-24T00:00:00Z (got \"" + text + "\")");
    }
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_INPUT, message);
  }
}
