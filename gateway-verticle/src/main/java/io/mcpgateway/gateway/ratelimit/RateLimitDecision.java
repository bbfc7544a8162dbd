package io.mcpgateway.gateway.ratelimit;

/** The outcome of one check, with what the {@code RateLimit-*} and {@code Retry-After} headers need. */
public record RateLimitDecision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {}
