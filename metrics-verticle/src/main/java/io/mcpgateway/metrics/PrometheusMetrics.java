package io.mcpgateway.metrics;

import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** The Vert.x metrics options a node is created with: Micrometer with a Prometheus registry. */
public final class PrometheusMetrics {
  private PrometheusMetrics() {}

  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)
            .setPublishQuantiles(false));
  }
}
