package io.mcpgateway.gateway.endpoint;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * {@code mgw_mcp_requests_total{status}}: the requests {@code /mcp/{slug}} answered, by HTTP status (401s, 404s,
 * 429s included; mounted after CORS, so its preflights and refusals are not counted). It stands in for Vert.x's own HTTP-server meters, which are off: four meter lookups per request
 * cost about 6 % of the data plane's event loop (docs/PERFORMANCE.md); here a request costs one array read.
 * One per data-plane instance, used on its event loop; the counters themselves are node-wide.
 */
final class McpRequestCounts implements Handler<RoutingContext> {
  private final MeterRegistry registry = BackendRegistries.getDefaultNow();
  private final Counter[] byStatus = new Counter[600];

  @Override
  public void handle(RoutingContext ctx) {
    if (registry != null) {
      ctx.addEndHandler(v -> count(ctx.response().getStatusCode()));
    }
    ctx.next();
  }

  private void count(int status) {
    int s = status >= 100 && status < 600 ? status : 0;
    Counter counter = byStatus[s];
    if (counter == null) {
      counter = Counter.builder("mgw_mcp_requests").description("Requests to /mcp/{slug}, by HTTP status")
          .tag("status", s == 0 ? "other" : Integer.toString(s)).register(registry);
      byStatus[s] = counter;
    }
    counter.increment();
  }
}
