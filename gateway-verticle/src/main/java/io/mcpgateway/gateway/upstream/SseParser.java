package io.mcpgateway.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of {@code text/event-stream} (WHATWG HTML §9.2.6) working on bytes: each chunk is scanned
 * once (no rescans), a line is decoded as UTF-8 only when it is complete (a character split across chunks
 * stays whole), and a CR at the end of a chunk followed by an LF at the start of the next is one line end.
 * An event (the sum of its lines) larger than {@code maxEventBytes} is never held: the parser reports it once
 * through {@code onTooLarge}, drops the rest of that event and carries on with the next one.
 *
 * <p>Why not Vert.x's {@code BodyCodec.sseStream} (vertx-web-common 5.0): it copies and rescans the whole
 * pending content on every chunk, has no bound, and treats CRLF as two line ends (an empty line, so it ends
 * events early).
 */
final class SseParser {
  record Event(String name, String data, String id) {}

  private final int maxEventBytes;
  private final Handler<Event> onEvent;
  private final Handler<Integer> onTooLarge;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private String name = "message";
  private boolean hasData;
  private String id;
  private long retryMillis = -1;
  /** Bytes of the current event's completed lines. */
  private long eventBytes;
  /** The previous chunk ended in CR: an LF starting this one belongs to that line end. */
  private boolean afterCr;
  /** Dropping the rest of an oversized event; any non-empty line counts, an empty line ends it. */
  private boolean discarding;
  private boolean lineHasBytes;
  private boolean first = true;

  SseParser(int maxEventBytes, Handler<Event> onEvent, Handler<Integer> onTooLarge) {
    this.maxEventBytes = maxEventBytes;
    this.onEvent = onEvent;
    this.onTooLarge = onTooLarge;
  }

  /** The last event id the stream gave (kept across events), for {@code Last-Event-ID} on reconnect; or null. */
  String lastEventId() {
    return id;
  }

  /** The reconnection delay the server asked for with a {@code retry} field, or -1. */
  long retryMillis() {
    return retryMillis;
  }

  /** How long to wait before reconnecting: the server's {@code retry}, never below {@code floor}; else {@code fallback}. */
  long reconnectDelayMillis(long floor, long fallback) {
    return Math.max(floor, retryMillis >= 0 ? retryMillis : fallback);
  }

  void feed(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b != '\n' && b != '\r') {
        continue;
      }
      if (b == '\n' && afterCr && i == start && i == 0) {
        afterCr = false;
        start = 1;
        continue;
      }
      append(bytes, start, i - start);
      endLine();
      afterCr = b == '\r';
      if (afterCr && i + 1 < bytes.length && bytes[i + 1] == '\n') {
        i++;
        afterCr = false;
      }
      start = i + 1;
    }
    if (start < bytes.length) {
      afterCr = false;
      append(bytes, start, bytes.length - start);
    }
  }

  private void append(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    lineHasBytes = true;
    if (discarding) {
      return;
    }
    if (eventBytes + line.size() + length > maxEventBytes) {
      tooLarge();
      return;
    }
    line.write(bytes, offset, length);
  }

  private void tooLarge() {
    discarding = true;
    line.reset();
    resetEvent();
    onTooLarge.handle(maxEventBytes);
  }

  private void endLine() {
    boolean empty = !lineHasBytes;
    lineHasBytes = false;
    if (discarding) {
      if (empty) {
        discarding = false;
      }
      return;
    }
    int size = line.size();
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (!text.startsWith(":")) {
      eventBytes += size + 1; // comments (keep-alives) do not add up to an event
    }
    if (first) {
      first = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
        empty = text.isEmpty();
      }
    }
    field(empty ? "" : text);
  }

  private void resetEvent() {
    name = "message";
    data.setLength(0);
    hasData = false;
    eventBytes = 0;
  }

  private void field(String text) {
    if (text.isEmpty()) {
      if (hasData) {
        Event event = new Event(name, data.toString(), id);
        resetEvent();
        onEvent.handle(event);
      } else {
        resetEvent();
      }
      return;
    }
    if (text.startsWith(":")) {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> name = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "id" -> {
        if (!value.contains("\0")) {
          id = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          retryMillis = Long.parseLong(value);
        }
      }
      default -> { }
    }
  }
}
