package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Callers who try to make the data plane hold or do more than they are due: session floods, huge batches,
 * odd slugs and odd initialize params, over real HTTP. Client addresses come from X-Forwarded-For (the test
 * is the trusted proxy), so each test is its own caller.
 */
class HostileCallersTest {
  private static GatewayHarness gw;
  private static WebClient web;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("hostile", new JsonObject().put("MGW_TRUSTED_PROXIES", "127.0.0.1")
        .put("MGW_SESSIONS_PER_CALLER", "3").put("MGW_BATCH_MAX", "10").put("MGW_RATE_LIMIT_PER_MINUTE", "50"));
    web = WebClient.create(gw.vertx);
    preset = gw.preset(GatewayHarness.slug("hostile"), Visibility.PUBLIC);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static HttpRequest<Buffer> post(String path, String clientIp) {
    return web.post(gw.port(), "127.0.0.1", path).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("X-Forwarded-For", clientIp);
  }

  private static JsonObject initialize(String version, Object clientInfo) {
    JsonObject params = new JsonObject().put("protocolVersion", version).put("capabilities", new JsonObject());
    if (clientInfo != null) {
      params.put("clientInfo", clientInfo);
    }
    return new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize").put("params", params);
  }

  private static HttpResponse<Buffer> init(String clientIp, String version) {
    return post("/mcp/" + preset.slug(), clientIp).sendJsonObject(initialize(version,
        new JsonObject().put("name", "t").put("version", "1"))).await();
  }

  private static JsonObject ping(int id) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "ping");
  }

  @Test
  void an_address_guessing_slugs_or_keys_is_refused_before_any_lookup_once_past_its_failures() {
    int allowed = gw.config.callerLimits().lookupFailuresPerMinute();
    assertThat(init("198.51.100.77", "2025-11-25").statusCode()).as("a known preset, before").isEqualTo(200);
    for (int i = 0; i < allowed; i++) {
      assertThat(post("/mcp/no-such-preset-" + i, "198.51.100.77").sendJsonObject(ping(1)).await().statusCode())
          .as("unknown slug %d", i).isEqualTo(404);
    }
    HttpResponse<Buffer> refused = post("/mcp/no-such-preset-x", "198.51.100.77").sendJsonObject(ping(1)).await();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isNotNull();
    assertThat(refused.bodyAsString()).contains("too many unknown presets or rejected credentials");
    assertThat(init("198.51.100.77", "2025-11-25").statusCode()).as("the whole address waits out its minute")
        .isEqualTo(429);
    assertThat(init("198.51.100.78", "2025-11-25").statusCode()).as("other addresses are not affected").isEqualTo(200);

    for (int i = 0; i < allowed; i++) {
      assertThat(post("/mcp/" + preset.slug(), "2001:db8:77::1").putHeader("Authorization", "Bearer mgw_guess" + i)
          .sendJsonObject(initialize("2025-11-25", null)).await().statusCode()).as("rejected key %d", i).isEqualTo(401);
    }
    assertThat(post("/mcp/" + preset.slug(), "2001:db8:77::2").putHeader("Authorization", "Bearer mgw_guess")
        .sendJsonObject(initialize("2025-11-25", null)).await().statusCode()).as("same /64").isEqualTo(429);
  }

  @Test
  void a_caller_cannot_open_more_sessions_than_its_cap_and_ipv6_callers_count_per_64() {
    for (int i = 0; i < 3; i++) {
      assertThat(init("2001:db8:aa:1::" + (i + 1), "2025-11-25").statusCode()).isEqualTo(200);
    }
    // Another address in the same /64 is the same caller.
    HttpResponse<Buffer> refused = init("2001:db8:aa:1:ffff::9", "2025-11-25");
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("too many open sessions");
    assertThat(refused.bodyAsJsonObject().getValue("id")).isEqualTo(1);
    assertThat(refused.getHeader("Mcp-Session-Id")).isNull();
    // The next /64 is someone else.
    assertThat(init("2001:db8:aa:2::1", "2025-11-25").statusCode()).isEqualTo(200);
  }

  @Test
  void deleting_a_session_frees_a_place_under_the_cap() {
    String ip = "198.51.100.20";
    String first = init(ip, "2025-11-25").getHeader("Mcp-Session-Id");
    init(ip, "2025-11-25");
    init(ip, "2025-11-25");
    assertThat(init(ip, "2025-11-25").statusCode()).isEqualTo(429);
    assertThat(web.delete(gw.port(), "127.0.0.1", "/mcp/" + preset.slug()).putHeader("X-Forwarded-For", ip)
        .putHeader("Mcp-Session-Id", first).send().await().statusCode()).isEqualTo(204);
    assertThat(init(ip, "2025-11-25").statusCode()).isEqualTo(200);
  }

  @Test
  void a_non_object_client_info_is_a_clear_invalid_params_error() {
    for (Object bad : new Object[] {"curl", 7, new JsonArray().add("x")}) {
      HttpResponse<Buffer> r = post("/mcp/" + preset.slug(), "198.51.100.30").sendJsonObject(initialize("2025-11-25", bad)).await();
      assertThat(r.statusCode()).as(r.bodyAsString()).isNotEqualTo(500);
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getInteger("code")).as(r.bodyAsString()).isEqualTo(-32602);
      assertThat(error.getString("message")).contains("clientInfo must be an object");
    }
  }

  @Test
  void batches_are_capped_and_every_item_counts_against_the_rate_limit() {
    String ip = "198.51.100.40";
    String session = init(ip, "2025-03-26").getHeader("Mcp-Session-Id");
    JsonArray tooBig = new JsonArray();
    for (int i = 0; i < 11; i++) {
      tooBig.add(ping(100 + i));
    }
    HttpResponse<Buffer> refused = post("/mcp/" + preset.slug(), ip).putHeader("Mcp-Session-Id", session)
        .sendBuffer(tooBig.toBuffer()).await();
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("at most 10 messages (got 11)");
    // 50 per minute: the initialize and the refused batch of 11 took 12; three batches of 10 take 30 more.
    for (int b = 0; b < 3; b++) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 10; i++) {
        batch.add(ping(b * 10 + i));
      }
      HttpResponse<Buffer> ok = post("/mcp/" + preset.slug(), ip).putHeader("Mcp-Session-Id", session)
          .sendBuffer(batch.toBuffer()).await();
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
      assertThat(ok.bodyAsJsonArray()).hasSize(10);
      assertThat(Integer.parseInt(ok.getHeader("RateLimit-Remaining"))).isEqualTo(50 - 12 - 10 * (b + 1));
    }
    // 8 left: a batch of 10 is refused whole.
    JsonArray ten = new JsonArray();
    for (int i = 0; i < 10; i++) {
      ten.add(ping(200 + i));
    }
    assertThat(post("/mcp/" + preset.slug(), ip).putHeader("Mcp-Session-Id", session).sendBuffer(ten.toBuffer()).await()
        .statusCode()).isEqualTo(429);
  }

  @Test
  void a_nul_or_control_character_in_the_slug_is_a_400_and_an_impossible_slug_a_404() {
    HttpResponse<Buffer> nul = post("/mcp/pub%00", "198.51.100.50").sendJsonObject(initialize("2025-11-25", null)).await();
    assertThat(nul.statusCode()).as(nul.bodyAsString()).isEqualTo(400);
    assertThat(nul.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("control character");
    for (String path : new String[] {"/mcp/ab", "/mcp/UPPER-case", "/mcp/" + "x".repeat(51), "/mcp/caf%C3%A9"}) {
      HttpResponse<Buffer> r = post(path, "198.51.100.50").sendJsonObject(initialize("2025-11-25", null)).await();
      assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(404);
    }
  }

  @Test
  void an_empty_authorization_header_is_401_even_on_a_public_preset() {
    HttpResponse<Buffer> r = post("/mcp/" + preset.slug(), "198.51.100.60").putHeader("Authorization", "")
        .sendJsonObject(initialize("2025-11-25", null)).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(401);
  }

  @Test
  void an_unauthenticated_caller_is_refused_before_its_body_is_read() throws Exception {
    Preset closed = gw.preset(GatewayHarness.slug("closed"), Visibility.PRIVATE);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.port())) {
      // Announces 1 MB, sends 10 bytes: the 401 must not wait for the rest.
      socket.getOutputStream().write(("POST /mcp/" + closed.slug() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nContent-Length: 1000000\r\n\r\n{\"jsonrpc\"")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.setSoTimeout(5000);
      byte[] head = new byte[12];
      int n = socket.getInputStream().readNBytes(head, 0, head.length);
      assertThat(new String(head, 0, n, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 401");
    }
  }

  @Test
  void a_request_the_client_aborts_mid_body_is_not_logged_as_an_error() throws Exception {
    var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var problems = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(io.mcpgateway.model.http.Problems.class);
    var events = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    events.start();
    root.addAppender(events);
    var level = problems.getLevel();
    problems.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gw.port())) {
        socket.getOutputStream().write(("POST /mcp/" + preset.slug() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 5000\r\n\r\n{\"jsonrpc\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      } // closed mid-body
      io.mcpgateway.testing.Eventually.await("the abort seen as the client's doing", java.time.Duration.ofSeconds(10),
          () -> events.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("client closed the connection")));
      assertThat(events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList()).isEmpty();
    } finally {
      root.detachAppender(events);
      problems.setLevel(level);
    }
  }
}
