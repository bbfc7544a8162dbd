package io.mcpgateway.metrics;

import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * The Vert.x metrics options a node is created with: Micrometer with a Prometheus registry. Vert.x's own
 * event-bus, HTTP-client and HTTP-server meters are off: they cost meter lookups per message, per upstream request
 * and per request served on the data plane's hot path (together about a tenth of a proxied call,
 * docs/PERFORMANCE.md). The gateway's own meters stand in: {@code mgw_tool_calls} (each upstream call by preset,
 * server and outcome) and {@code mgw_mcp_requests} (requests to /mcp/{slug} by status).
 */
public final class PrometheusMetrics {
  private PrometheusMetrics() {}

  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)
            .setPublishQuantiles(false));
  }
}
