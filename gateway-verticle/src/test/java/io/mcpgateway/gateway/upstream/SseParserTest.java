package io.mcpgateway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE parser on bytes: split characters, split line ends, bounds, and linear work per byte. */
class SseParserTest {
  private final List<SseParser.Event> events = new ArrayList<>();
  private final List<Integer> tooLarge = new ArrayList<>();

  private SseParser parser(int max) {
    return new SseParser(max, events::add, tooLarge::add);
  }

  private static Buffer bytes(byte[] all, int from, int to) {
    return Buffer.buffer(java.util.Arrays.copyOfRange(all, from, to));
  }

  @Test
  void a_utf8_character_split_across_chunks_stays_whole() {
    byte[] all = "data: caf\u00e9 \u20ac\n\n".getBytes(StandardCharsets.UTF_8);
    SseParser p = parser(1024);
    int split = "data: caf".length() + 1; // inside the two bytes of é
    p.feed(bytes(all, 0, split));
    p.feed(bytes(all, split, split + 2)); // inside the three bytes of €
    p.feed(bytes(all, split + 2, all.length));
    assertThat(events).extracting(SseParser.Event::data).containsExactly("caf\u00e9 \u20ac");
  }

  @Test
  void a_cr_at_the_end_of_a_chunk_and_the_lf_starting_the_next_are_one_line_end() {
    SseParser p = parser(1024);
    p.feed(Buffer.buffer("data: a\r"));
    p.feed(Buffer.buffer("\ndata: b\r"));
    p.feed(Buffer.buffer("\n\r"));
    p.feed(Buffer.buffer("\n"));
    assertThat(events).extracting(SseParser.Event::data).containsExactly("a\nb");
  }

  @Test
  void bare_cr_and_lf_line_ends_and_fields_are_parsed() {
    SseParser p = parser(1024);
    p.feed(Buffer.buffer("\uFEFFevent: endpoint\rid: 7\rretry: 1500\rdata: /messages\r\r: comment\n\ndata: x\n\n"));
    assertThat(events).containsExactly(new SseParser.Event("endpoint", "/messages", "7"), new SseParser.Event("message", "x", "7"));
    assertThat(p.retryMillis()).isEqualTo(1500);
  }

  @Test
  void a_tiny_retry_is_raised_to_the_floor() {
    SseParser p = parser(1024);
    p.feed(Buffer.buffer("retry: 1\n\n"));
    assertThat(p.reconnectDelayMillis(1000, 3000)).isEqualTo(1000);
    assertThat(parser(1024).reconnectDelayMillis(1000, 3000)).isEqualTo(3000);
  }

  @Test
  void an_event_over_the_bound_is_reported_once_and_dropped_and_the_next_event_still_arrives() {
    SseParser p = parser(64 * 1024);
    p.feed(Buffer.buffer("data: " + "x".repeat(40_000) + "\n"));
    p.feed(Buffer.buffer("data: " + "y".repeat(40_000) + "\n"));
    for (int i = 0; i < 100; i++) {
      p.feed(Buffer.buffer("data: " + "z".repeat(10_000) + "\n"));
    }
    p.feed(Buffer.buffer("\ndata: after\n\n"));
    assertThat(tooLarge).containsExactly(64 * 1024);
    assertThat(events).extracting(SseParser.Event::data).containsExactly("after");
  }

  @Test
  void a_line_with_no_end_is_cut_at_the_bound_without_being_held() {
    SseParser p = parser(1024 * 1024);
    Buffer chunk = Buffer.buffer("q".repeat(64 * 1024));
    for (int i = 0; i < 800; i++) { // 50 MB, never a line end
      p.feed(chunk);
    }
    assertThat(tooLarge).hasSize(1);
    assertThat(events).isEmpty();
  }

  @Test
  void parsing_is_linear_a_4_mb_event_in_small_chunks_is_quick() {
    SseParser p = parser(8 * 1024 * 1024);
    byte[] all = ("data: " + "d".repeat(4 * 1024 * 1024) + "\n\n").getBytes(StandardCharsets.UTF_8);
    long before = System.nanoTime();
    for (int i = 0; i < all.length; i += 4096) {
      p.feed(bytes(all, i, Math.min(all.length, i + 4096)));
    }
    // The rescanning parser needed minutes for this (4 MB rescanned on each of 1024 chunks).
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).data()).hasSize(4 * 1024 * 1024);
  }
}
