package io.mcpgateway.metrics.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatsQueryTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final String PRESET = UUID.randomUUID().toString();

  @Test
  void absent_window_and_bucket_mean_the_last_24_hours_by_hour() {
    StatsQuery q = StatsQuery.fromJson(new JsonObject().put("v", 1).put("presetId", PRESET), NOW);
    assertThat(q.to()).isEqualTo(NOW);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(q.bucket()).isEqualTo("hour");
  }

  @Test
  void a_complete_request_is_taken_as_given() {
    StatsQuery q = StatsQuery.fromJson(new JsonObject().put("presetId", PRESET)
        .put("from", "2026-10-01T00:00:00Z").put("to", "2026-11-01T00:00:00Z").put("bucket", "day"), NOW);
    assertThat(q).isEqualTo(new StatsQuery(UUID.fromString(PRESET), Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-11-01T00:00:00Z"), "day"));
  }

  @Test
  void an_unknown_bucket_is_invalid_input_naming_the_allowed_values() {
    assertInvalid(new JsonObject().put("presetId", PRESET).put("bucket", "minute; drop table x"),
        "bucket must be \"minute\", \"hour\" or \"day\"");
  }

  @Test
  void a_malformed_timestamp_is_invalid_input_with_an_example() {
    assertInvalid(new JsonObject().put("presetId", PRESET).put("from", "yesterday"), "from must be an ISO-8601");
  }

  @Test
  void from_after_to_is_invalid_input() {
    assertInvalid(new JsonObject().put("presetId", PRESET).put("from", "2026-11-02T00:00:00Z")
        .put("to", "2026-11-01T00:00:00Z"), "from must be before to");
  }

  @Test
  void a_missing_or_malformed_preset_id_is_invalid_input() {
    assertInvalid(new JsonObject(), "presetId is required");
    assertInvalid(new JsonObject().put("presetId", "abc"), "presetId must be a UUID");
  }

  @Test
  void fine_buckets_over_long_windows_are_refused_but_coarser_ones_allowed() {
    JsonObject fourMonths = new JsonObject().put("presetId", PRESET)
        .put("from", "2026-07-01T00:00:00Z").put("to", "2026-11-01T00:00:00Z");
    assertInvalid(fourMonths.copy().put("bucket", "hour"), "use bucket=day");
    assertThat(StatsQuery.fromJson(fourMonths.copy().put("bucket", "day"), NOW).bucket()).isEqualTo("day");
    assertInvalid(fourMonths.copy().put("from", "2024-01-01T00:00:00Z").put("bucket", "day"), "at most 366 days");
    JsonObject twoWeeks = new JsonObject().put("presetId", PRESET)
        .put("from", "2026-11-01T00:00:00Z").put("to", "2026-11-15T00:00:00Z");
    assertInvalid(twoWeeks.copy().put("bucket", "minute"), "use bucket=hour");
    assertThat(StatsQuery.fromJson(twoWeeks.copy().put("bucket", "hour"), NOW).bucket()).isEqualTo("hour");
  }

  private static void assertInvalid(JsonObject body, String message) {
    assertThatThrownBy(() -> StatsQuery.fromJson(body, NOW))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
        .hasMessageContaining(message);
  }
}
