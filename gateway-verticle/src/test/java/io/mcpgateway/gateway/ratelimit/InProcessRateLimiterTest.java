package io.mcpgateway.gateway.ratelimit;

class InProcessRateLimiterTest implements RateLimiterContract {
  @Override
  public RateLimiter limiter(MutableClock clock) {
    return new InProcessRateLimiter(clock);
  }
}
