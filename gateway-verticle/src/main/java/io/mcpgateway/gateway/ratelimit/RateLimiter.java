package io.mcpgateway.gateway.ratelimit;

import io.vertx.core.Future;

/**
 * A sliding-window limiter: may one more request under {@code key} pass, with at most {@code limit}
 * requests per minute? Implementations: Redis (shared by nodes) and in-process (single node, fallback).
 * Never fails because a backend is down: the decision is then made in process.
 */
public interface RateLimiter {
  Future<RateLimitDecision> check(String key, int limitPerMinute);
}
