package io.mcpgateway.gateway.ratelimit;

import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.preset.Preset;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The rate-limit step of {@code /mcp/{slug}}: one sliding window per (preset, caller) — the principal, or
 * the client IP for anonymous callers — with the preset's limit or the default. Every answer carries the
 * {@code RateLimit-Limit/Remaining/Reset} headers; over the limit it is 429 with {@code Retry-After} and a
 * JSON-RPC error. Mount after authenticate and authorize.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  private final RateLimiter limiter;
  private final int defaultPerMinute;
  private final MeterRegistry registry = BackendRegistries.getDefaultNow();

  public RateLimitHandler(RateLimiter limiter, int defaultPerMinute) {
    this.limiter = limiter;
    this.defaultPerMinute = defaultPerMinute;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Preset preset = RequestContext.preset(ctx);
    int limit = preset.rateLimitPerMinute() == null ? defaultPerMinute : preset.rateLimitPerMinute();
    String key = "mgw:rl:" + preset.id() + ":" + RequestContext.caller(ctx).rateKey();
    limiter.check(key, limit).onComplete(ar -> {
      if (ar.failed()) {
        ctx.next(); // a limiter that cannot decide must not take the data plane down
        return;
      }
      RateLimitDecision d = ar.result();
      HttpServerResponse response = ctx.response();
      response.putHeader("RateLimit-Limit", String.valueOf(d.limit()))
          .putHeader("RateLimit-Remaining", String.valueOf(d.remaining()))
          .putHeader("RateLimit-Reset", String.valueOf(d.resetSeconds()));
      if (d.allowed()) {
        ctx.next();
        return;
      }
      if (registry != null) {
        Counter.builder("mgw_rate_limit_rejections").tag("preset", preset.slug()).register(registry).increment();
      }
      response.setStatusCode(429)
          .putHeader("Retry-After", String.valueOf(d.retryAfterSeconds()))
          .putHeader("Content-Type", "application/json")
          .end(JsonRpc.error(null, -32029, "Rate limit exceeded: " + d.limit() + " requests per minute for preset \""
              + preset.slug() + "\"; retry in " + d.retryAfterSeconds() + " s").toBuffer());
    });
  }
}
