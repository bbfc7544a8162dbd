package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.ExposedTool;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ToolCallBatch;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures every tool call: a {@link ToolCallRecorded} for the metrics verticle, and a Prometheus timer per
 * preset, upstream and outcome. The events go fire-and-forget (the data plane never waits on metrics), in
 * batches: one {@link ToolCallBatch} per {@value #FLUSH_MILLIS} ms or {@value #MAX_BATCH} calls, whichever comes
 * first, instead of one event-bus message (and one wake-up of the metrics loop) per call. One recorder per
 * data-plane instance, used on its event loop only.
 */
final class ToolCallRecorder {
  static final int MAX_BATCH = 256;
  static final long FLUSH_MILLIS = 100;

  private final Vertx vertx;
  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final java.util.Map<String, Timer> timers = new java.util.HashMap<>();
  private List<ToolCallRecorded> pending = new ArrayList<>();
  private long flushTimer = -1;

  ToolCallRecorder(Vertx vertx) {
    this.vertx = vertx;
    ToolCallBatch.registerCodec(vertx);
  }

  /** Sends what is pending now (on the instance's stop, so the last calls are not lost). */
  void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (!pending.isEmpty()) {
      List<ToolCallRecorded> batch = pending;
      pending = new ArrayList<>();
      vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED, new ToolCallBatch(batch));
    }
  }

  void record(Preset preset, ExposedTool tool, Caller caller, long latencyNanos, String error) {
    boolean ok = error == null;
    long latencyMs = Duration.ofNanos(latencyNanos).toMillis();
    pending.add(new ToolCallRecorded(preset.id(), tool.serverId(), tool.originalName(),
        caller.principalId().map(Object::toString).orElse(caller.rateKey()), ok, latencyMs, error, Instant.now()));
    if (pending.size() >= MAX_BATCH) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(FLUSH_MILLIS, t -> {
        flushTimer = -1;
        flush();
      });
    }
    if (registry != null) {
      String outcome = ok ? "ok" : "error";
      timers.computeIfAbsent(preset.slug() + '\0' + tool.serverSlug() + '\0' + outcome, k -> Timer.builder("mgw_tool_calls")
              .description("Tool calls through the gateway, by preset, upstream and outcome")
              .tag("preset", preset.slug())
              .tag("server", tool.serverSlug())
              .tag("outcome", outcome)
              .publishPercentileHistogram()
              .register(registry))
          .record(Duration.ofNanos(latencyNanos));
    }
  }
}
