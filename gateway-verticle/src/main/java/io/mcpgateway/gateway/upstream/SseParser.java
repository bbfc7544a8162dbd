package io.mcpgateway.gateway.upstream;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental parser of {@code text/event-stream} (WHATWG HTML §9.2): feeds buffers in, emits one event per
 * blank-line-terminated block with its {@code event} name and joined {@code data} lines.
 */
final class SseParser {
  record Event(String name, String data, String id) {}

  private final Handler<Event> onEvent;
  private final StringBuilder pending = new StringBuilder();
  private String name = "message";
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String id;
  private long retryMillis = -1;

  SseParser(Handler<Event> onEvent) {
    this.onEvent = onEvent;
  }

  /** The last event id the stream gave (kept across events), for {@code Last-Event-ID} on reconnect; or null. */
  String lastEventId() {
    return id;
  }

  /** The reconnection delay the server asked for with a {@code retry} field, or -1. */
  long retryMillis() {
    return retryMillis;
  }

  void feed(Buffer chunk) {
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    int start = 0;
    for (int i = 0; i < pending.length(); i++) {
      char c = pending.charAt(i);
      if (c == '\n' || c == '\r') {
        line(pending.substring(start, i));
        if (c == '\r' && i + 1 < pending.length() && pending.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    pending.delete(0, start);
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (hasData) {
        onEvent.handle(new Event(name, data.toString(), id));
      }
      name = "message";
      data.setLength(0);
      hasData = false;
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
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
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
          retryMillis = Long.parseLong(value);
        }
      }
      default -> { }
    }
  }
}
