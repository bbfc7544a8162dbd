package io.mcpgateway.metrics;

import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * The Vert.x metrics options a node is created with: Micrometer with a Prometheus registry. Vert.x's own
 * event-bus and HTTP-client meters are off: they cost a meter lookup per message and per upstream request on the
 * data plane's hot path (about 5 % of a proxied call, docs/PERFORMANCE.md), and the gateway's own
 * {@code mgw_tool_calls} timer already measures each upstream call by preset, server and outcome.
 */
public final class PrometheusMetrics {
  private PrometheusMetrics() {}

  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)
            .setPublishQuantiles(false));
  }
}
