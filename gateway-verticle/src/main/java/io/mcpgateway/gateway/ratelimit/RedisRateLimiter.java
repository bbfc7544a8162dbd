package io.mcpgateway.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The sliding-window log in Redis, shared by every node: one atomic Lua script per check on one sorted set
 * (members scored by time), run with EVALSHA and falling back to EVAL only when Redis answers NOSCRIPT. The
 * caller's clock supplies "now", so all nodes must keep time (NTP), and tests can move it.
 */
public final class RedisRateLimiter implements RateLimiter {
  static final String SCRIPT = """
      local key = KEYS[1]
      local now = tonumber(ARGV[1])
      local window = tonumber(ARGV[2])
      local limit = tonumber(ARGV[3])
      local cost = tonumber(ARGV[5])
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      local count = redis.call('ZCARD', key)
      if count + cost <= limit then
        for i = 1, cost do
          redis.call('ZADD', key, now, ARGV[4] .. ':' .. i)
        end
        redis.call('PEXPIRE', key, window)
        local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
        return {1, limit - count - cost, tonumber(oldest[2])}
      end
      local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      if oldest[2] == nil then
        return {0, 0, now}
      end
      return {0, 0, tonumber(oldest[2])}
      """;
  static final String SHA = sha1(SCRIPT);

  private final RedisAPI redis;
  private final Clock clock;
  private final Duration commandTimeout;

  public RedisRateLimiter(Redis client, Clock clock, Duration commandTimeout) {
    this.redis = RedisAPI.api(client);
    this.clock = clock;
    this.commandTimeout = commandTimeout;
  }

  @Override
  public Future<RateLimitDecision> check(String key, int limitPerMinute, int cost) {
    long now = clock.millis();
    long window = InProcessRateLimiter.WINDOW.toMillis();
    List<String> args = List.of(key, String.valueOf(now), String.valueOf(window), String.valueOf(limitPerMinute),
        now + ":" + UUID.randomUUID(), String.valueOf(cost));
    return run(args).map(r -> {
      boolean allowed = r.get(0).toInteger() == 1;
      long remaining = r.get(1).toLong();
      long oldest = r.get(2).toLong();
      long reset = Math.max(1, (oldest + window - now + 999) / 1000);
      return new RateLimitDecision(allowed, limitPerMinute, (int) remaining, reset, allowed ? 0 : reset);
    });
  }

  private Future<Response> run(List<String> keyAndArgs) {
    List<String> evalsha = new java.util.ArrayList<>(List.of(SHA, "1"));
    evalsha.addAll(keyAndArgs);
    return redis.evalsha(evalsha).timeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
      if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
        List<String> eval = new java.util.ArrayList<>(List.of(SCRIPT, "1"));
        eval.addAll(keyAndArgs);
        return redis.eval(eval).timeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      return Future.failedFuture(e);
    });
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
