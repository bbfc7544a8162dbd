package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.ExposedTool;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.time.Instant;

/**
 * Measures every tool call: one {@link ToolCallRecorded} sent fire-and-forget to the metrics verticle
 * (never awaited, so the data plane does not wait on metrics), and a Prometheus timer per preset, upstream
 * and outcome.
 */
final class ToolCallRecorder {
  private final Vertx vertx;
  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final java.util.Map<String, Timer> timers = new java.util.HashMap<>();

  ToolCallRecorder(Vertx vertx) {
    this.vertx = vertx;
  }

  void record(Preset preset, ExposedTool tool, Caller caller, long latencyNanos, String error) {
    boolean ok = error == null;
    long latencyMs = Duration.ofNanos(latencyNanos).toMillis();
    vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED, new ToolCallRecorded(preset.id(), tool.serverId(),
        tool.originalName(), caller.principalId().map(Object::toString).orElse(caller.rateKey()), ok, latencyMs,
        error, Instant.now()).toJson());
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
