package io.mcpgateway.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handler over real HTTP with the in-process limiter and a hand-moved clock: one window per (preset,
 * caller), the preset's own limit or the default, headers on every answer, and the 429 JSON-RPC error.
 */
class RateLimitHandlerTest {
  private static final int DEFAULT_LIMIT = 5;
  private static final MutableClock CLOCK = new MutableClock(1_800_000_000_000L);
  private static final Map<String, Preset> PRESETS = Map.of(
      "default", preset("default", null),
      "other", preset("other", null),
      "two", preset("two", 2));
  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient web;

  private record Answer(int status, MultiMap headers, String body) {}

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route("/mcp/:slug").handler(BodyHandler.create(false))
        // stands in for the preset and authenticate steps that run before rate limiting on the data plane
        .handler(ctx -> {
          RequestContext.preset(ctx, PRESETS.get(ctx.pathParam("slug")));
          RequestContext.caller(ctx, Caller.anonymous(ctx.request().getHeader("X-Test-Client")));
          ctx.next();
        })
        .handler(new RateLimitHandler(new InProcessRateLimiter(CLOCK), DEFAULT_LIMIT))
        .handler(ctx -> ctx.response().end("passed"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void the_default_limit_applies_with_headers_on_every_answer_and_429_beyond_it() {
    String client = unique();
    for (int i = 1; i <= DEFAULT_LIMIT; i++) {
      Answer ok = post("default", client, request(i));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.headers().get("RateLimit-Limit")).isEqualTo("5");
      assertThat(ok.headers().get("RateLimit-Remaining")).isEqualTo(String.valueOf(DEFAULT_LIMIT - i));
      assertThat(Long.parseLong(ok.headers().get("RateLimit-Reset"))).isBetween(1L, 60L);
    }
    Answer refused = post("default", client, request("call-6"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().get("Content-Type")).startsWith("application/json");
    assertThat(refused.headers().get("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isBetween(1L, 60L);
    var error = new io.vertx.core.json.JsonObject(refused.body());
    assertThat(error.getString("jsonrpc")).isEqualTo("2.0");
    assertThat(error.getValue("id")).isEqualTo("call-6");
    assertThat(error.getJsonObject("error").getInteger("code")).isEqualTo(-32029);
    assertThat(error.getJsonObject("error").getString("message")).contains("5 requests per minute");
  }

  @Test
  void a_preset_limit_overrides_the_default() {
    String client = unique();
    assertThat(post("two", client, request(1)).status()).isEqualTo(200);
    Answer second = post("two", client, request(2));
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.headers().get("RateLimit-Limit")).isEqualTo("2");
    assertThat(post("two", client, request(3)).status()).isEqualTo(429);
  }

  @Test
  void each_client_and_each_preset_has_its_own_window() {
    String first = unique();
    for (int i = 0; i < DEFAULT_LIMIT; i++) {
      post("default", first, request(i));
    }
    assertThat(post("default", first, request(9)).status()).isEqualTo(429);
    assertThat(post("default", unique(), request(9)).status()).as("another client address").isEqualTo(200);
    assertThat(post("other", first, request(9)).status()).as("the same client on another preset").isEqualTo(200);
  }

  @Test
  void the_window_slides_so_a_refused_client_passes_again_a_minute_later() {
    String client = unique();
    for (int i = 0; i < DEFAULT_LIMIT; i++) {
      post("default", client, request(i));
    }
    assertThat(post("default", client, request(9)).status()).isEqualTo(429);
    CLOCK.advance(Duration.ofSeconds(61));
    assertThat(post("default", client, request(10)).status()).isEqualTo(200);
  }

  @Test
  void a_batch_or_an_unparseable_body_gets_a_null_id_in_the_429() {
    String client = unique();
    for (int i = 0; i < DEFAULT_LIMIT; i++) {
      post("default", client, request(i));
    }
    Answer batch = post("default", client, "[" + request(1) + "]");
    assertThat(batch.status()).isEqualTo(429);
    assertThat(new io.vertx.core.json.JsonObject(batch.body()).containsKey("id")).isTrue();
    assertThat(new io.vertx.core.json.JsonObject(batch.body()).getValue("id")).isNull();
    Answer garbage = post("default", client, "{not json");
    assertThat(garbage.status()).isEqualTo(429);
    assertThat(new io.vertx.core.json.JsonObject(garbage.body()).getValue("id")).isNull();
  }

  private static String request(Object id) {
    return new io.vertx.core.json.JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/list").encode();
  }

  private static Answer post(String preset, String client, String body) {
    HttpResponse<Buffer> r = web.post(server.actualPort(), "127.0.0.1", "/mcp/" + preset)
        .putHeader("X-Test-Client", client).timeout(5000).sendBuffer(Buffer.buffer(body)).await();
    return new Answer(r.statusCode(), r.headers(), r.bodyAsString() == null ? "" : r.bodyAsString());
  }

  private static String unique() {
    return "10.0." + (int) (Math.random() * 250) + "." + UUID.randomUUID().toString().substring(0, 4);
  }

  private static Preset preset(String slug, Integer limit) {
    return new Preset(UUID.randomUUID(), slug, slug, null, Visibility.PUBLIC, PresetStatus.ACTIVE, limit,
        UUID.randomUUID(), null, null, null, List.of());
  }
}
