package io.mcpgateway.gateway.ratelimit;

import io.vertx.core.Future;

/**
 * A sliding-window limiter: may one more request under {@code key} pass, with at most {@code limit}
 * requests per minute? Implementations: Redis (shared by nodes) and in-process (single node, fallback).
 * Never fails because a backend is down: the decision is then made in process.
 */
public interface RateLimiter {
  default Future<RateLimitDecision> check(String key, int limitPerMinute) {
    return check(key, limitPerMinute, 1);
  }

  /** May {@code cost} more requests (the items of a JSON-RPC batch, 1 otherwise) pass? All or none are counted. */
  Future<RateLimitDecision> check(String key, int limitPerMinute, int cost);
}
