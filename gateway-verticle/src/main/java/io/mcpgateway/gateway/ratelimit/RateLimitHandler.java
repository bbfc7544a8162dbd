package io.mcpgateway.gateway.ratelimit;

import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.preset.Preset;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
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
    // Each item of a 2025-03-26 batch is a request of its own (bounded: past the limit it is refused anyway).
    int cost = Math.min(batchSize(ctx), limit + 1);
    limiter.check(key, limit, Math.max(1, cost)).onComplete(ar -> {
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
      response.setStatusCode(ErrorCode.RATE_LIMITED.httpStatus())
          .putHeader("Retry-After", String.valueOf(d.retryAfterSeconds()))
          .putHeader("Content-Type", "application/json")
          .end(JsonRpc.error(requestId(ctx), ErrorCode.RATE_LIMITED.jsonRpcCode(), "Rate limit exceeded: " + d.limit() + " requests per minute for preset \""
              + preset.slug() + "\"; retry in " + d.retryAfterSeconds() + " s").toBuffer());
    });
  }

  /** The number of messages of a JSON-RPC batch body; 1 for anything else. */
  static int batchSize(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.isEmpty() || !ctx.request().method().name().equals("POST")) {
      return 1;
    }
    Buffer buffer = body.buffer();
    for (int i = 0; i < buffer.length(); i++) {
      byte b = buffer.getByte(i);
      if (b == '[') {
        try {
          return Math.max(1, new io.vertx.core.json.JsonArray(buffer).size());
        } catch (RuntimeException notJson) {
          return 1;
        }
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return 1;
      }
    }
    return 1;
  }

  /**
   * The JSON-RPC id of the rejected request, so the client can match the error to its call; null when the
   * body is not a single JSON-RPC request (a GET stream, a batch, unparseable JSON). JSON-RPC 2.0 §5.
   */
  static Object requestId(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      Object json = Json.decodeValue(body.buffer());
      if (json instanceof JsonObject request) {
        Object id = request.getValue("id");
        return id instanceof String || id instanceof Number ? id : null;
      }
    } catch (RuntimeException notJson) {
      // fall through: an unparseable body has no id to echo
    }
    return null;
  }
}
