package io.mcpgateway.metrics.ingest;

import io.mcpgateway.model.bus.ToolCallRecorded;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded queue between the event bus and PostgreSQL. When full, the oldest event is dropped and
 * counted: metrics must never hold memory without bound or slow the data plane. Confined to one context.
 */
public final class MetricsBuffer {
  private final int capacity;
  private final ArrayDeque<ToolCallRecorded> events = new ArrayDeque<>();
  private long dropped;

  public MetricsBuffer(int capacity) {
    this.capacity = capacity;
  }

  public void add(ToolCallRecorded event) {
    if (events.size() >= capacity) {
      events.pollFirst();
      dropped++;
    }
    events.addLast(event);
  }

  /** Takes up to {@code max} of the oldest events. */
  public List<ToolCallRecorded> take(int max) {
    List<ToolCallRecorded> batch = new ArrayList<>(Math.min(max, events.size()));
    while (batch.size() < max && !events.isEmpty()) {
      batch.add(events.pollFirst());
    }
    return batch;
  }

  /** Puts back a batch that could not be written, ahead of newer events, within the capacity. */
  public void putBack(List<ToolCallRecorded> batch) {
    for (int i = batch.size() - 1; i >= 0; i--) {
      if (events.size() >= capacity) {
        dropped++;
      } else {
        events.addFirst(batch.get(i));
      }
    }
  }

  public int size() {
    return events.size();
  }

  public long dropped() {
    return dropped;
  }
}
