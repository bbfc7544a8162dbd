package io.mcpgateway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.OnContext;
import io.mcpgateway.testing.mcp.HostileStdioMain;
import io.mcpgateway.testing.mcp.HostileUpstream;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upstream pool against a misbehaving server: bounded memory, no hangs, recovery that follows the upstream. */
class HostileUpstreamTest {
  private static final int BOUND = 1024 * 1024;

  private Vertx vertx;
  private Context context;
  private HostileUpstream hostile;
  private UpstreamPool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    hostile = HostileUpstream.start(vertx);
    pool = pool(Duration.ofSeconds(20), Duration.ofSeconds(2), UpstreamLimits.defaults().withMaxMessageBytes(BOUND)
        .withControlTimeout(Duration.ofSeconds(1)));
  }

  @AfterEach
  void stop() {
    hostile.close();
    vertx.close().await();
  }

  private UpstreamPool pool(Duration callTimeout, Duration catalogTimeout, UpstreamLimits limits) {
    return OnContext.call(context, () -> new UpstreamPool(vertx, new UpstreamPool.Settings(callTimeout, catalogTimeout,
        5, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(500)).withLimits(limits), null));
  }

  private static UpstreamServer server(Transport transport, String url, List<String> command) {
    return new UpstreamServer(UUID.randomUUID(), "hostile-" + UUID.randomUUID().toString().substring(0, 6), "h", null,
        transport, url, command == null ? null : command.get(0), command == null ? List.of() : command.subList(1, command.size()),
        new UpstreamSecrets(Map.of(), Map.of()), UUID.randomUUID(), ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH,
        Instant.EPOCH);
  }

  private <T> T await(Callable<Future<T>> op) {
    return OnContext.await(context, op);
  }

  private GatewayException failedCall(UpstreamPool p, UpstreamServer s) {
    return catchThrowableOfType(GatewayException.class,
        () -> await(() -> p.callTool(s, "echo", new JsonObject(), null, n -> { }).result()));
  }

  /** Runs {@code check} and returns how long it took; a hang fails the test instead of blocking the build. */
  private static long millis(Runnable check) {
    long before = System.nanoTime();
    assertTimeoutPreemptively(Duration.ofSeconds(15), check::run);
    return Duration.ofNanos(System.nanoTime() - before).toMillis();
  }

  @Test
  void a_50_mb_json_result_fails_fast_as_too_large_and_is_not_read_whole() {
    for (String mode : List.of("huge", "huge-length")) {
      long sentBefore = hostile.bytesSent();
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url(mode), null);
      GatewayException[] e = new GatewayException[1];
      long took = millis(() -> e[0] = failedCall(pool, s));
      assertThat(e[0]).as(mode).isNotNull();
      assertThat(e[0].code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(e[0].getMessage()).contains(s.slug()).contains("response too large").contains(String.valueOf(BOUND));
      assertThat(took).as(mode + " took (ms)").isLessThan(5000);
      // Socket buffers take some, but the gateway let go long before the 50 MB were through.
      assertThat(hostile.bytesSent() - sentBefore).as(mode + ": bytes the upstream got to send").isLessThan(40L * 1024 * 1024);
    }
  }

  @Test
  void a_50_mb_sse_event_fails_the_call_fast_as_too_large() {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("huge-sse"), null);
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(pool, s));
    assertThat(e[0].getMessage()).contains("response too large");
    assertThat(took).isLessThan(5000);
    assertThat(hostile.bytesSent()).isLessThan(40L * 1024 * 1024);
  }

  @Test
  void an_endless_stream_of_events_over_the_bound_fails_the_call_fast() {
    UpstreamPool small = pool(Duration.ofSeconds(20), Duration.ofSeconds(2),
        UpstreamLimits.defaults().withMaxMessageBytes(512 * 1024).withControlTimeout(Duration.ofSeconds(1)));
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("endless-sse"), null);
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(small, s));
    assertThat(e[0].getMessage()).contains("response too large");
    assertThat(took).isLessThan(5000);
  }

  @Test
  void an_endless_stream_of_events_within_the_bound_ends_at_the_call_timeout() {
    UpstreamPool quick = pool(Duration.ofSeconds(2), Duration.ofSeconds(2),
        UpstreamLimits.defaults().withMaxMessageBytes(2 * 1024 * 1024).withControlTimeout(Duration.ofSeconds(1)));
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("endless-sse"), null);
    int[] notifications = {0};
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = catchThrowableOfType(GatewayException.class,
        () -> await(() -> quick.callTool(s, "echo", new JsonObject(), null, n -> notifications[0]++).result())));
    assertThat(e[0].code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(took).isBetween(1500L, 6000L);
    assertThat(notifications[0]).isPositive();
  }

  @Test
  void a_stdio_line_over_the_bound_fails_the_call_fast() {
    UpstreamServer s = server(Transport.STDIO, null, HostileStdioMain.command(50L * 1024 * 1024));
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(pool, s));
    assertThat(e[0].getMessage()).contains("response too large");
    assertThat(took).isLessThan(10_000);
  }

  @Test
  void a_legacy_sse_event_over_the_bound_fails_the_pending_call_fast_and_the_stream_goes_on() {
    var stream = new java.util.concurrent.atomic.AtomicReference<io.vertx.core.http.HttpServerResponse>();
    var legacy = vertx.createHttpServer().requestHandler(req -> {
      if (req.method() == io.vertx.core.http.HttpMethod.GET) {
        stream.set(req.response().setChunked(true).putHeader("Content-Type", "text/event-stream"));
        stream.get().write("event: endpoint\ndata: /messages\n\n");
        return;
      }
      req.body().onSuccess(body -> {
        req.response().setStatusCode(202).end();
        JsonObject msg = body.toJsonObject();
        Object id = msg.getValue("id");
        String method = msg.getString("method", "");
        if ("initialize".equals(method)) {
          stream.get().write("event: message\ndata: " + new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result",
              new JsonObject().put("protocolVersion", "2024-11-05").put("capabilities", new JsonObject())
                  .put("serverInfo", new JsonObject().put("name", "l").put("version", "1"))).encode() + "\n\n");
        } else if ("tools/call".equals(method)) {
          stream.get().write("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"x\":\""
              + "a".repeat(2 * BOUND) + "\"}}\n\n");
        }
      });
    }).listen(0, "127.0.0.1").await();
    try {
      UpstreamServer s = server(Transport.SSE, "http://127.0.0.1:" + legacy.actualPort() + "/sse", null);
      GatewayException[] e = new GatewayException[1];
      long took = millis(() -> e[0] = failedCall(pool, s));
      assertThat(e[0].getMessage()).contains(s.slug()).contains("response too large");
      assertThat(took).isLessThan(5000);
      assertThat(OnContext.call(context, () -> pool.openCircuits())).isEmpty();
    } finally {
      legacy.close().await();
    }
  }

  @Test
  void an_sse_retry_of_1_ms_does_not_make_the_gateway_reconnect_every_millisecond() {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("retry1"), null);
    await(() -> pool.callTool(s, "echo", new JsonObject(), null, n -> { }).result());
    Eventually.await("the GET stream to be reopened once", Duration.ofSeconds(5), () -> hostile.count("GET") >= 2);
    long at2 = System.nanoTime();
    Eventually.await("the GET stream to be reopened again", Duration.ofSeconds(5), () -> hostile.count("GET") >= 3);
    assertThat(Duration.ofNanos(System.nanoTime() - at2)).isGreaterThan(Duration.ofMillis(800));
    assertThat(hostile.count("GET")).isLessThan(6);
  }

  @Test
  void a_legacy_server_that_never_names_its_endpoint_fails_the_call_and_does_not_block_later_callers() {
    UpstreamServer s = server(Transport.SSE, hostile.sseUrl("stalled"), null);
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(pool, s));
    assertThat(e[0].getMessage()).contains(s.slug()).contains("endpoint");
    assertThat(took).isLessThan(5000);
    // The failed attempt was dropped: the next caller makes its own attempt rather than waiting on the old one.
    Eventually.await("a second attempt", Duration.ofSeconds(10), () -> {
      failedCall(pool, s);
      return hostile.count("GET") >= 2;
    });
  }

  @Test
  void a_server_that_never_answers_initialize_costs_a_call_no_more_than_its_own_timeout() {
    UpstreamPool p = pool(Duration.ofSeconds(1), Duration.ofSeconds(8),
        UpstreamLimits.defaults().withControlTimeout(Duration.ofSeconds(1)));
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("slow-init"), null);
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(p, s));
    assertThat(e[0].code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e[0].getMessage()).contains(s.slug()).contains("1000 ms");
    assertThat(took).as("the initialize timeout is 8 s, the call's budget 1 s").isLessThan(5000);
  }

  @Test
  void a_server_that_never_acknowledges_notifications_initialized_does_not_hold_the_connection_for_good() {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("stall-initialized"), null);
    GatewayException[] e = new GatewayException[1];
    long took = millis(() -> e[0] = failedCall(pool, s));
    assertThat(e[0].code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(took).isLessThan(6000);
  }

  @Test
  void closing_does_not_wait_for_a_delete_the_server_never_answers() {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("stall-delete"), null);
    await(() -> pool.callTool(s, "echo", new JsonObject(), null, n -> { }).result());
    long took = millis(() -> await(pool::close));
    assertThat(hostile.count("DELETE")).isEqualTo(1);
    assertThat(took).isLessThan(5000);
  }

  private static UpstreamServer publicOnly(String url) {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, url, null);
    return new UpstreamServer(s.id(), s.slug(), s.name(), null, s.transport(), url, null, List.of(), s.secrets(),
        s.ownerId(), ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH, Instant.EPOCH, false);
  }

  @Test
  void a_server_no_admin_configured_is_refused_at_connect_time_when_its_host_resolves_to_a_private_address() {
    String port = hostile.url("ok").replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
    for (String url : List.of(hostile.url("ok"), "http://localhost:" + port + "/mcp/ok", "http://0177.0.0.1:" + port + "/mcp/ok",
        "http://2130706433:" + port + "/mcp/ok", "http://localhost.:" + port + "/mcp/ok")) {
      UpstreamServer s = publicOnly(url);
      GatewayException e = failedCall(pool, s);
      assertThat(e).as(url).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(e.getMessage()).as(url).contains("non-public address").contains("127.0.0.1");
    }
    assertThat(hostile.count("initialize")).as("requests that reached the upstream").isZero();
    // The same URL configured by an administrator connects.
    await(() -> pool.callTool(server(Transport.STREAMABLE_HTTP, hostile.url("ok"), null), "echo", new JsonObject(), null,
        n -> { }).result());
  }

  @Test
  void an_allow_listed_range_is_reached_through_the_vetted_address_with_the_host_header_kept() {
    UpstreamPool allowing = pool(Duration.ofSeconds(10), Duration.ofSeconds(5), UpstreamLimits.defaults()
        .withNetwork(io.mcpgateway.model.net.PrivateNetworkPolicy.of(List.of("127.0.0.0/8"))));
    String port = hostile.url("ok").replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
    UpstreamServer s = publicOnly("http://localhost:" + port + "/mcp/ok");
    JsonObject result = await(() -> allowing.callTool(s, "echo", new JsonObject(), null, n -> { }).result());
    assertThat(result.encode()).contains("ok");
    assertThat(hostile.lastHost()).isEqualTo("localhost:" + port);
  }

  @Test
  void over_tls_the_vetted_address_is_reached_with_the_name_kept_for_sni_and_certificate_verification() {
    try (HostileUpstream tls = HostileUpstream.startTls(vertx, "localhost")) {
      UpstreamLimits allowLoopback = UpstreamLimits.defaults()
          .withNetwork(io.mcpgateway.model.net.PrivateNetworkPolicy.of(List.of("127.0.0.0/8")));
      UpstreamPool trusting = pool(Duration.ofSeconds(10), Duration.ofSeconds(5),
          allowLoopback.withTrust(UpstreamTrust.withExtraCas(java.nio.file.Path.of(tls.certificatePath()))));
      UpstreamServer s = publicOnly(tls.tlsUrl("localhost", "ok"));
      JsonObject result = await(() -> trusting.callTool(s, "echo", new JsonObject(), null, n -> { }).result());
      assertThat(result.encode()).contains("ok");
      String port = tls.tlsUrl("localhost", "ok").replaceAll("^https://localhost:(\\d+)/.*$", "$1");
      assertThat(tls.lastHost()).isEqualTo("localhost:" + port);
      // The certificate names "localhost" and the connection went to 127.0.0.1: verification used the URL's host.
      // (The JDK sends no SNI for a dot-less name, so SNI can only be shown not to be the pinned IP.)
      assertThat(tls.lastServerName()).as("SNI is never the pinned IP").isNotEqualTo("127.0.0.1");

      // Verification is not weakened: the certificate is for "localhost", so the literal IP fails, and a gateway
      // that does not trust the CA refuses the server.
      GatewayException wrongName = failedCall(trusting, publicOnly(tls.tlsUrl("127.0.0.1", "ok")));
      assertThat(wrongName).isNotNull();
      assertThat(wrongName.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      GatewayException untrusted = failedCall(pool(Duration.ofSeconds(10), Duration.ofSeconds(5), allowLoopback), s);
      assertThat(untrusted).isNotNull();
      assertThat(untrusted.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    }
  }

  @Test
  void a_ca_file_without_a_certificate_is_refused_with_its_name() throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.createTempFile("no-ca", ".pem");
    try {
      assertThatThrownBy(() -> UpstreamTrust.withExtraCas(empty)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("MGW_UPSTREAM_CA_FILE").hasMessageContaining(empty.toString());
    } finally {
      java.nio.file.Files.delete(empty);
    }
  }

  @Test
  void an_upstream_error_page_is_not_echoed_to_the_caller() {
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, hostile.url("error-page"), null);
    GatewayException e = failedCall(pool, s);
    assertThat(e.getMessage()).contains("HTTP 500").doesNotContain("hunter2").doesNotContain("admin console");
  }

  @Test
  void half_open_probing_starts_near_a_second_so_recovery_follows_the_upstream() {
    HttpFixtureServer up = HttpFixtureServer.streamable("comeback");
    try {
      UpstreamPool p = OnContext.call(context, () -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(10),
          Duration.ofSeconds(10), 2, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(200)), null));
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null);
      await(() -> p.callTool(s, "echo", new JsonObject().put("text", "a"), null, n -> { }).result());
      up.stop();
      for (int i = 0; i < 2; i++) {
        failedCall(p, s);
      }
      assertThat(p.breakerState(s.id())).isEqualTo(io.vertx.circuitbreaker.CircuitBreakerState.OPEN);
      assertThat(failedCall(p, s).getMessage()).contains("circuit open").contains("retry in 1 s");
      up.restart();
      long back = System.nanoTime();
      Eventually.await("a call to succeed again", Duration.ofSeconds(10), () -> {
        try {
          await(() -> p.callTool(s, "echo", new JsonObject().put("text", "b"), null, n -> { }).result());
          return true;
        } catch (GatewayException e) {
          return false;
        }
      });
      assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(4));
    } finally {
      up.close();
    }
  }
}
