package io.mcpgateway.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis limiter against the real local Redis; outages against a private redis-server of this test. */
class RedisRateLimiterTest implements RateLimiterContract {
  private static Vertx vertx;
  private static Redis shared;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    shared = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestServices.redisUrl().toString()));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Override
  public RateLimiter limiter(MutableClock clock) {
    return new RedisRateLimiter(shared, clock, Duration.ofSeconds(2));
  }

  @Test
  void two_gateways_sharing_one_redis_share_the_limit() {
    MutableClock clock = new MutableClock(System.currentTimeMillis());
    Redis other = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestServices.redisUrl().toString()));
    RateLimiter a = new RedisRateLimiter(shared, clock, Duration.ofSeconds(2));
    RateLimiter b = new RedisRateLimiter(other, clock, Duration.ofSeconds(2));
    String key = "mgw:test:" + UUID.randomUUID();
    for (int i = 0; i < 10; i++) {
      assertThat((i % 2 == 0 ? a : b).check(key, 10).await().allowed()).isTrue();
    }
    assertThat(a.check(key, 10).await().allowed()).isFalse();
    assertThat(b.check(key, 10).await().allowed()).isFalse();
  }

  @Test
  void the_script_is_loaded_again_after_a_script_flush() {
    MutableClock clock = new MutableClock(System.currentTimeMillis());
    RateLimiter limiter = limiter(clock);
    String key = "mgw:test:" + UUID.randomUUID();
    assertThat(limiter.check(key, 3).await().allowed()).isTrue();
    RedisAPI.api(shared).script(List.of("FLUSH")).await();
    assertThat(limiter.check(key, 3).await().remaining()).isEqualTo(1);
  }

  @Test
  void when_redis_goes_away_decisions_continue_in_process_and_return_to_redis() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process server = startRedis(port);
    try {
      Redis own = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:" + port));
      MutableClock clock = new MutableClock(System.currentTimeMillis());
      var limiter = new FallbackRateLimiter(new RedisRateLimiter(own, clock, Duration.ofMillis(300)),
          new InProcessRateLimiter(clock), Duration.ofMillis(200));
      String key = "mgw:test:" + UUID.randomUUID();
      assertThat(limiter.check(key, 2).await().allowed()).isTrue();
      assertThat(limiter.degraded()).isFalse();

      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
      RateLimitDecision duringOutage = limiter.check(key, 2).await();
      assertThat(duringOutage.allowed()).as("never fail a call because Redis is down").isTrue();
      assertThat(limiter.degraded()).isTrue();
      assertThat(limiter.check(key, 2).await().allowed()).isTrue();
      assertThat(limiter.check(key, 2).await().allowed()).as("the in-process window still limits").isFalse();

      server = startRedis(port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (limiter.degraded() && System.nanoTime() < deadline) {
        limiter.check("mgw:test:probe:" + UUID.randomUUID(), 100).await();
        Thread.sleep(100);
      }
      assertThat(limiter.degraded()).as("back on Redis once it answers").isFalse();
    } finally {
      server.destroy();
    }
  }

  private static Process startRedis(int port) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (var socket = new java.net.Socket("127.0.0.1", port)) {
        return p;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("redis-server did not start on port " + port);
  }
}
