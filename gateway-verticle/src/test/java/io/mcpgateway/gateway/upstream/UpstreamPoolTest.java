package io.mcpgateway.gateway.upstream;

import io.mcpgateway.testing.OnContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.StdioFixtureMain;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upstream pool against real SDK servers: breakers, timeouts, cancellation, restarts, list changes. */
class UpstreamPoolTest {
  /** This class's call budget: short enough for the timeout tests, long enough for a loaded CI machine. */
  private static final Duration CALL_BUDGET = Duration.ofSeconds(4);

  private Vertx vertx;
  private Context context;
  private UpstreamPool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    pool = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(CALL_BUDGET,
        Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500))));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** The pool is confined to one context, as in the verticle. */
  private <T> T onContext(Callable<T> work) {
    return OnContext.call(context, work);
  }

  private <T> T await(Callable<Future<T>> op) {
    return OnContext.await(context, op);
  }

  private static UpstreamServer server(Transport transport, String url, List<String> command, Map<String, String> headers) {
    return new UpstreamServer(UUID.randomUUID(), "srv-" + UUID.randomUUID().toString().substring(0, 6), "s", null, transport,
        url, command == null ? null : command.get(0), command == null ? List.of() : command.subList(1, command.size()),
        new UpstreamSecrets(headers, Map.of()), UUID.randomUUID(), ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
  }

  private JsonObject call(UpstreamServer s, String tool, JsonObject args) {
    return await(() -> pool.callTool(s, tool, args, null, n -> { }).result());
  }

  private static String text(JsonObject result) {
    return result.getJsonArray("content").getJsonObject(0).getString("text");
  }

  @Test
  void concurrent_callers_share_one_upstream_session() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("shared")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of("X-Key", "k1"));
      await(() -> pool.listTools(s)); // connected first: a call's 4 s budget in this class also covers connecting
      List<Future<JsonObject>> calls = onContext(() -> {
        List<Future<JsonObject>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
          all.add(pool.callTool(s, "echo", new JsonObject().put("text", "n" + i), null, n -> { }).result());
        }
        return all;
      });
      Future.all(calls).await();
      assertThat(calls).extracting(f -> text(f.result())).contains("shared:echo: n0", "shared:echo: n19");
      assertThat(up.seen().stream().filter(r -> "initialize".equals(r.jsonRpcMethod())).count()).isEqualTo(1);
      assertThat(up.seen()).filteredOn(r -> "tools/call".equals(r.jsonRpcMethod()))
          .allSatisfy(r -> assertThat(r.headers().get("X-Key")).isEqualTo("k1"));
    }
  }

  @Test
  void the_breaker_opens_on_a_dead_upstream_fails_fast_and_recovers() {
    HttpFixtureServer up = HttpFixtureServer.streamable("flaky");
    List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      pool.onCircuitChanged((id, state) -> {
        if (id.equals(s.id())) {
          changes.add(state.name());
        }
      });
      await(() -> pool.listTools(s));
      assertThat(text(call(s, "echo", new JsonObject().put("text", "a")))).isEqualTo("flaky:echo: a");
      up.stop();
      for (int i = 0; i < 2; i++) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject().put("text", "b")));
        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      }
      long before = System.nanoTime();
      GatewayException open = catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject()));
      assertThat(open.getMessage()).contains(s.slug()).contains("circuit open").contains("retry in");
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(200));
      assertThat(changes).as("listeners hear the breaker open (the console's circuit badge)").containsExactly("OPEN");
      up.restart();
      Eventually.await("the breaker to close again", Duration.ofSeconds(10), () -> {
        try {
          return text(call(s, "echo", new JsonObject().put("text", "c"))).equals("flaky:echo: c");
        } catch (GatewayException e) {
          return false;
        }
      });
      assertThat(changes).containsSubsequence("OPEN", "HALF_OPEN", "CLOSED");
    } finally {
      up.close();
    }
  }

  @Test
  void a_tool_error_does_not_open_the_breaker() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("errs")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      for (int i = 0; i < 4; i++) {
        assertThat(call(s, "fail", new JsonObject()).getBoolean("isError")).isTrue();
        assertThat(catchThrowableOfType(UpstreamRpcError.class, () -> call(s, "no-such-tool", new JsonObject()))).isNotNull();
      }
      assertThat(text(call(s, "echo", new JsonObject().put("text", "ok")))).isEqualTo("errs:echo: ok");
    }
  }

  @Test
  void a_slow_call_times_out_and_the_upstream_is_told_to_cancel() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("slowpoke")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      GatewayException e = catchThrowableOfType(GatewayException.class,
          () -> call(s, "slow", new JsonObject().put("ms", 12_000)));
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.getMessage()).contains(s.slug()).contains(CALL_BUDGET.toMillis() + " ms");
      Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> up.received("notifications/cancelled"));
    }
  }

  @Test
  void a_caller_cancellation_reaches_the_upstream() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("cancel")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      await(() -> pool.listTools(s));
      UpstreamCall pending = onContext(() -> pool.callTool(s, "slow", new JsonObject().put("ms", 600), null, n -> { }));
      Eventually.await("the call to reach the upstream", Duration.ofSeconds(5), () -> up.seen().stream()
          .anyMatch(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));
      onContext(() -> {
        pending.cancel("user pressed stop");
        return null;
      });
      assertThat(catchThrowableOfType(GatewayException.class, () -> pending.result().await())).isNotNull();
      Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> up.seen().stream()
          .anyMatch(r -> "notifications/cancelled".equals(r.jsonRpcMethod()) && r.body().contains("user pressed stop")));
    }
  }

  @Test
  void a_killed_stdio_upstream_is_restarted_on_next_use() {
    UpstreamServer s = server(Transport.STDIO, null, StdioFixtureMain.command("restartable"), Map.of());
    await(() -> pool.listTools(s)); // a JVM starts in more than this pool's 4 s call budget
    long firstPid = Long.parseLong(text(call(s, "pid", new JsonObject())));
    ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
    Eventually.await("a new stdio process", Duration.ofSeconds(30), () -> {
      try {
        return Long.parseLong(text(call(s, "pid", new JsonObject()))) != firstPid;
      } catch (GatewayException e) {
        return false;
      }
    });
  }

  @Test
  void a_tools_list_changed_notification_refreshes_the_cached_list() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("growing")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      List<UUID> changed = new CopyOnWriteArrayList<>();
      onContext(() -> {
        pool.onToolListChanged(changed::add);
        return null;
      });
      assertThat(await(() -> pool.listTools(s))).extracting(t -> t.getString("name")).doesNotContain("late");
      Eventually.await("the GET stream to be open", Duration.ofSeconds(5), () -> up.seen().stream()
          .anyMatch(r -> "GET".equals(r.httpMethod())));
      up.addTool(FixtureTools.tool(up.json(), "late", "added later", "{\"type\":\"object\"}",
          (ex, req) -> FixtureTools.text("late")));
      Eventually.await("tools/list_changed", Duration.ofSeconds(5), () -> changed.contains(s.id()));
      assertThat(await(() -> pool.listTools(s))).extracting(t -> t.getString("name")).contains("late");
    }
  }

  @Test
  void the_legacy_http_sse_transport_lists_and_calls_tools() {
    try (HttpFixtureServer up = HttpFixtureServer.legacySse("legacy")) {
      UpstreamServer s = server(Transport.SSE, up.url(), null, Map.of());
      assertThat(await(() -> pool.listTools(s))).extracting(t -> t.getString("name")).contains("echo", "add");
      assertThat(text(call(s, "echo", new JsonObject().put("text", "old")))).isEqualTo("legacy:echo: old");
    }
  }

  @Test
  void progress_and_log_notifications_of_a_call_reach_its_caller_with_the_callers_progress_token() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("chatty")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      await(() -> pool.listTools(s)); // connected first: the 4 s budget is for the three steps
      List<JsonObject> seen = new CopyOnWriteArrayList<>();
      JsonObject result = await(() -> pool.callTool(s, "progress", new JsonObject().put("steps", 3),
          new JsonObject().put("progressToken", "caller-token-7"), seen::add).result());
      assertThat(text(result)).isEqualTo("chatty:done 3");
      assertThat(seen).filteredOn(n -> "notifications/progress".equals(n.getString("method")))
          .extracting(n -> n.getJsonObject("params").getValue("progressToken"))
          .containsExactly("caller-token-7", "caller-token-7", "caller-token-7");
      assertThat(seen).filteredOn(n -> "notifications/message".equals(n.getString("method")))
          .extracting(n -> n.getJsonObject("params").getString("data")).containsExactly("starting 3 steps");
      // the upstream saw the gateway's own token, never the caller's
      assertThat(up.seen()).filteredOn(r -> "tools/call".equals(r.jsonRpcMethod()))
          .allSatisfy(r -> assertThat(r.body()).doesNotContain("caller-token-7"));
    }
  }

  @Test
  void progress_and_log_messages_of_a_stdio_call_reach_its_caller() {
    UpstreamServer s = server(Transport.STDIO, null, StdioFixtureMain.command("stdio-progress"), Map.of());
    await(() -> pool.listTools(s)); // a JVM starts in more than this pool's 4 s call budget
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    JsonObject result = await(() -> pool.callTool(s, "progress", new JsonObject().put("steps", 2),
        new JsonObject().put("progressToken", 42), seen::add).result());
    assertThat(text(result)).isEqualTo("stdio-progress:done 2");
    assertThat(seen).filteredOn(n -> "notifications/progress".equals(n.getString("method")))
        .extracting(n -> n.getJsonObject("params").getValue("progressToken")).containsExactly(42, 42);
    // stdio cannot say which request a log message belongs to; with one call in flight it can only be that call's
    assertThat(seen).filteredOn(n -> "notifications/message".equals(n.getString("method")))
        .extracting(n -> n.getJsonObject("params").getString("data")).containsExactly("starting 2 steps");
  }

  @Test
  void an_upstream_json_rpc_error_is_relayed_with_its_code_and_message() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("rpcerr")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      UpstreamRpcError e = catchThrowableOfType(UpstreamRpcError.class, () -> call(s, "no-such-tool", new JsonObject()));
      // server/tools §Error Handling: an unknown tool is a protocol error, -32602; relayed as the upstream said it
      assertThat(e.error().getInteger("code")).isEqualTo(-32602);
      assertThat(e.error().getString("message")).contains("Unknown tool");
    }
  }

  @Test
  void a_session_the_upstream_forgot_is_initialized_again_transparently() {
    HttpFixtureServer up = HttpFixtureServer.streamable("forgetful");
    try {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      assertThat(text(call(s, "echo", new JsonObject().put("text", "1")))).isEqualTo("forgetful:echo: 1");
      up.stop();
      up.restart(); // a fresh server: the old Mcp-Session-Id is unknown to it (HTTP 404)
      assertThat(text(call(s, "echo", new JsonObject().put("text", "2")))).isEqualTo("forgetful:echo: 2");
      assertThat(up.seen().stream().filter(r -> "initialize".equals(r.jsonRpcMethod())).count()).isEqualTo(2);
    } finally {
      up.close();
    }
  }

  @Test
  void a_servers_own_tool_call_timeout_overrides_the_default() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("impatient")) {
      UpstreamServer base = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      UpstreamServer s = new UpstreamServer(base.id(), base.slug(), base.name(), null, base.transport(), base.url(), null,
          List.of(), base.secrets(), base.ownerId(), ServerStatus.ACTIVE, Optional.of(Duration.ofMillis(150)),
          base.createdAt(), base.updatedAt());
      await(() -> pool.listTools(s)); // connected: the 150 ms are the call's own
      long before = System.nanoTime();
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "slow", new JsonObject().put("ms", 12_000)));
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.getMessage()).contains("150 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - before)).as("well before the class's default budget")
          .isLessThan(CALL_BUDGET.dividedBy(2));
    }
  }

  @Test
  void a_stdio_upstream_gets_only_its_configured_environment_plus_path_and_home() {
    UpstreamServer base = server(Transport.STDIO, null, StdioFixtureMain.command("envcheck", "--env-names"), Map.of());
    UpstreamServer s = new UpstreamServer(base.id(), base.slug(), base.name(), null, base.transport(), null, base.command(),
        base.args(), new UpstreamSecrets(Map.of(), Map.of("FIXTURE_SECRET", "s3cr3t")), base.ownerId(), ServerStatus.ACTIVE,
        Optional.empty(), base.createdAt(), base.updatedAt());
    assertThat(await(() -> pool.listTools(s))).extracting(t -> t.getString("name")).contains("echo", "env_names");
    assertThat(text(call(s, "env", new JsonObject()))).startsWith("FIXTURE_SECRET=s3cr3t ");
    assertThat(List.of(text(call(s, "env_names", new JsonObject())).split(",")))
        .isSubsetOf("FIXTURE_SECRET", "PATH", "HOME").contains("FIXTURE_SECRET");
  }

  @Test
  void a_server_to_client_ping_is_answered_so_the_upstream_never_hangs() {
    try (HttpFixtureServer up = HttpFixtureServer.streamable("pinger", json -> List.of(FixtureTools.tool(json, "ping_client",
        "Pings the client mid-call", "{\"type\":\"object\"}", (ex, req) -> {
          ex.ping();
          return FixtureTools.text("pong");
        })))) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      assertThat(text(call(s, "ping_client", new JsonObject()))).isEqualTo("pong");
    }
  }

  @Test
  void an_idle_stdio_upstream_is_stopped_and_started_again_when_next_used() {
    // The call budget covers starting the JVM (twice here): generous, the idle stop (500 ms) is what is tested.
    UpstreamPool quick = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(30),
        Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(500))));
    UpstreamServer s = server(Transport.STDIO, null, StdioFixtureMain.command("sleepy"), Map.of());
    long firstPid = Long.parseLong(text(await(() -> quick.callTool(s, "pid", new JsonObject(), null, n -> { }).result())));
    Eventually.await("the idle process to be stopped", Duration.ofSeconds(15),
        () -> ProcessHandle.of(firstPid).map(h -> !h.isAlive()).orElse(true));
    long secondPid = Long.parseLong(text(await(() -> quick.callTool(s, "pid", new JsonObject(), null, n -> { }).result())));
    assertThat(secondPid).isNotEqualTo(firstPid);
    await(quick::close);
  }

  @Test
  void an_upstream_refusing_the_gateways_credentials_is_unavailable_and_the_secret_is_not_echoed() {
    var refusing = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(401).end())
        .listen(0, "127.0.0.1").await();
    try {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + refusing.actualPort() + "/mcp?key=qs-secret",
          null, Map.of("Authorization", "Bearer header-secret"));
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject()));
      assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(e.getMessage()).contains(s.slug()).contains("credentials")
          .doesNotContain("header-secret").doesNotContain("qs-secret");
    } finally {
      refusing.close().await();
    }
  }

  @Test
  void over_legacy_sse_progress_and_logs_reach_the_caller_and_a_timeout_cancels_upstream() {
    try (HttpFixtureServer up = HttpFixtureServer.legacySse("legacy-progress")) {
      UpstreamServer s = server(Transport.SSE, up.url(), null, Map.of("X-Upstream-Key", "legacy-key"));
      List<JsonObject> seen = new CopyOnWriteArrayList<>();
      JsonObject result = await(() -> pool.callTool(s, "progress", new JsonObject().put("steps", 2),
          new JsonObject().put("progressToken", "tok-legacy"), seen::add).result());
      assertThat(text(result)).isEqualTo("legacy-progress:done 2");
      assertThat(seen).filteredOn(n -> "notifications/progress".equals(n.getString("method")))
          .extracting(n -> n.getJsonObject("params").getValue("progressToken")).containsExactly("tok-legacy", "tok-legacy");
      assertThat(seen).filteredOn(n -> "notifications/message".equals(n.getString("method")))
          .extracting(n -> n.getJsonObject("params").getString("data")).containsExactly("starting 2 steps");
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "slow", new JsonObject().put("ms", 12_000)));
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> up.received("notifications/cancelled"));
      assertThat(up.seen()).allSatisfy(r -> assertThat(r.headers().get("X-Upstream-Key")).isEqualTo("legacy-key"));
    }
  }

  @Test
  void each_upstreams_breaker_state_is_a_gauge_that_shows_it_open() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    UpstreamPool metered = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(2),
        Duration.ofSeconds(2), 2, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(100)), registry));
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + deadPort() + "/mcp", null, Map.of());
    for (int i = 0; i < 2; i++) {
      catchThrowableOfType(GatewayException.class, () -> await(() -> metered.callTool(s, "echo", new JsonObject(), null, n -> { }).result()));
    }
    var gauge = registry.find("mgw_upstream_circuit_state").tag("server", s.slug()).gauge();
    assertThat(gauge).isNotNull();
    assertThat(gauge.value()).isEqualTo(2.0);
    assertThat(metered.openCircuits()).containsExactly(s.slug());
    await(metered::close);
  }

  @Test
  void a_resource_subscription_is_made_once_per_uri_released_by_its_last_holder_and_bounded_per_pool() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    var settings = new UpstreamPool.Settings(Duration.ofSeconds(4), Duration.ofSeconds(4), 5, Duration.ofSeconds(30),
        Duration.ofMinutes(5), Duration.ofMillis(100)).withLimits(UpstreamLimits.defaults().withMaxSubscriptions(2));
    UpstreamPool pool = onContext(() -> new UpstreamPool(vertx, settings, registry));
    try (HttpFixtureServer up = HttpFixtureServer.withFeatures("subs",
        io.mcpgateway.testing.mcp.conformance.ConformanceFeatures::all)) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      java.util.function.Function<String, Long> seen = method -> up.seen().stream()
          .filter(x -> method.equals(x.jsonRpcMethod())).count();
      await(() -> pool.subscribe(s, "test://static-text"));
      await(() -> pool.subscribe(s, "test://static-text"));
      await(() -> pool.subscribe(s, "test://watched-resource"));
      assertThat(seen.apply("resources/subscribe")).as("one upstream subscription per URI").isEqualTo(2);
      assertThat(registry.get("mgw_upstream_resource_subscriptions").gauge().value()).isEqualTo(2.0);
      GatewayException full = catchThrowableOfType(GatewayException.class,
          () -> await(() -> pool.subscribe(s, "test://template/one")));
      assertThat(full.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(full.getMessage()).contains("maximum of 2 upstream resource subscriptions", "MGW_UPSTREAM_MAX_SUBSCRIPTIONS");
      onContext(() -> {
        pool.unsubscribe(s.id(), "test://static-text");
        return null;
      });
      // The second holder keeps it: a URI already held is shared even at the bound.
      await(() -> pool.subscribe(s, "test://static-text"));
      onContext(() -> {
        pool.unsubscribe(s.id(), "test://static-text");
        pool.unsubscribe(s.id(), "test://static-text");
        return null;
      });
      Eventually.await("resources/unsubscribe once the last holder left", Duration.ofSeconds(10),
          () -> seen.apply("resources/unsubscribe") == 1);
      assertThat(seen.apply("resources/subscribe")).isEqualTo(2);
      assertThat(registry.get("mgw_upstream_resource_subscriptions").gauge().value()).isEqualTo(1.0);
    } finally {
      await(pool::close);
    }
  }

  @Test
  void a_subscription_taken_again_while_its_release_is_in_flight_is_sent_once_the_release_is_answered()
      throws Exception {
    // A raw 2025-11-25 server that answers resources/unsubscribe only when told: sent at once, the new subscribe
    // could be handled before the unsubscribe and then undone by it, the pool believing it holds the URI.
    List<String> methods = new CopyOnWriteArrayList<>();
    List<Runnable> unanswered = new CopyOnWriteArrayList<>();
    var raw = vertx.createHttpServer().requestHandler(req -> {
      if (req.method() != io.vertx.core.http.HttpMethod.POST) {
        req.response().setStatusCode(405).end();
        return;
      }
      req.body().onSuccess(body -> {
        JsonObject msg = body.toJsonObject();
        String method = msg.getString("method", "");
        methods.add(method);
        Object id = msg.getValue("id");
        if (id == null) {
          req.response().setStatusCode(202).end();
          return;
        }
        JsonObject answer = new JsonObject().put("jsonrpc", "2.0").put("id", id);
        switch (method) {
          case "initialize" -> answer.put("result", new JsonObject().put("protocolVersion", "2025-11-25")
              .put("capabilities", new JsonObject().put("resources", new JsonObject().put("subscribe", true)))
              .put("serverInfo", new JsonObject().put("name", "raw").put("version", "1")));
          case "resources/subscribe", "resources/unsubscribe" -> answer.put("result", new JsonObject());
          default -> answer.put("error", new JsonObject().put("code", -32601).put("message", "Method not found"));
        }
        Runnable send = () -> req.response().putHeader("Content-Type", "application/json").end(answer.encode());
        if ("resources/unsubscribe".equals(method)) {
          unanswered.add(send);
        } else {
          send.run();
        }
      });
    }).listen(0, "127.0.0.1").await();
    Runnable answerUnsubscribes = () -> {
      List<Runnable> pending = List.copyOf(unanswered);
      unanswered.clear();
      pending.forEach(Runnable::run);
    };
    try {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + raw.actualPort() + "/mcp", null, Map.of());
      String uri = "test://watched-resource";
      await(() -> pool.subscribe(s, uri));
      Future<Void> again = onContext(() -> {
        pool.unsubscribe(s.id(), uri); // the last holder: resources/unsubscribe goes out
        return pool.subscribe(s, uri); // taken again at once (another session subscribed here)
      });
      Eventually.await("the upstream unsubscribe", Duration.ofSeconds(5), () -> methods.contains("resources/unsubscribe"));
      Thread.sleep(300);
      assertThat(methods.stream().filter("resources/subscribe"::equals).count())
          .as("no subscribe sent while the unsubscribe is unanswered").isEqualTo(1);
      assertThat(again.isComplete()).isFalse();
      answerUnsubscribes.run();
      await(() -> again);
      assertThat(methods.stream().filter(m -> m.startsWith("resources/")).toList())
          .containsExactly("resources/subscribe", "resources/unsubscribe", "resources/subscribe");
    } finally {
      answerUnsubscribes.run();
      await(pool::close);
      raw.close().await();
    }
  }

  @Test
  void the_gauges_show_the_whole_node_not_the_first_instance() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    var settings = new UpstreamPool.Settings(Duration.ofSeconds(4), Duration.ofSeconds(4), 2, Duration.ofSeconds(30),
        Duration.ofMinutes(5), Duration.ofMillis(100));
    UpstreamPool first = onContext(() -> new UpstreamPool(vertx, settings, registry));
    UpstreamPool second = onContext(() -> new UpstreamPool(vertx, settings, registry));
    try (HttpFixtureServer up = HttpFixtureServer.streamable("gauged")) {
      UpstreamServer live = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      UpstreamServer dead = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + deadPort() + "/mcp", null, Map.of());
      await(() -> first.listTools(live));
      await(() -> second.listTools(live));
      assertThat(registry.get("mgw_upstream_connections").gauge().value()).isEqualTo(2.0);
      // One failure on the first instance (still closed), two on the second (open): the node shows it open.
      catchThrowableOfType(GatewayException.class, () -> await(() -> first.callTool(dead, "echo", new JsonObject(), null, n -> { }).result()));
      for (int i = 0; i < 2; i++) {
        catchThrowableOfType(GatewayException.class, () -> await(() -> second.callTool(dead, "echo", new JsonObject(), null, n -> { }).result()));
      }
      var circuit = registry.get("mgw_upstream_circuit_state").tag("server", dead.slug()).gauge();
      assertThat(circuit.value()).isEqualTo(2.0);
      await(second::close);
      assertThat(circuit.value()).as("the stopped instance no longer counts").isEqualTo(0.0);
      assertThat(registry.get("mgw_upstream_connections").gauge().value()).isEqualTo(1.0);
    } finally {
      await(first::close);
    }
  }

  @Test
  void an_upstream_that_cannot_be_reached_fails_as_unavailable_on_every_transport() {
    String dead = "http://127.0.0.1:" + deadPort();
    for (UpstreamServer s : List.of(
        server(Transport.STREAMABLE_HTTP, dead + "/mcp", null, Map.of()),
        server(Transport.SSE, dead + "/sse", null, Map.of()),
        server(Transport.STDIO, null, List.of("/nonexistent/mcp-server", "--flag"), Map.of()))) {
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject()));
      assertThat(e).as(s.transport().name()).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(e.getMessage()).contains(s.slug());
    }
  }

  @Test
  void a_legacy_sse_upstream_naming_a_message_endpoint_on_another_origin_is_refused() {
    var redirecting = vertx.createHttpServer().requestHandler(r -> r.response()
            .putHeader("Content-Type", "text/event-stream").setChunked(true)
            .write("event: endpoint\ndata: http://127.0.0.2:9/steal\n\n"))
        .listen(0, "127.0.0.1").await();
    try {
      UpstreamServer s = server(Transport.SSE, "http://127.0.0.1:" + redirecting.actualPort() + "/sse", null,
          Map.of("Authorization", "Bearer sse-secret"));
      GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject()));
      assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(e.getMessage()).contains("another origin").doesNotContain("sse-secret");
    } finally {
      redirecting.close().await();
    }
  }

  @Test
  void http_5xx_answers_open_the_breaker_but_4xx_answers_do_not() {
    var status = new java.util.concurrent.atomic.AtomicInteger(400);
    var answering = vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(status.get()).end("no"))
        .listen(0, "127.0.0.1").await();
    try {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + answering.actualPort() + "/mcp", null, Map.of());
      for (int i = 0; i < 4; i++) {
        assertThat(catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject())).code())
            .isEqualTo(ErrorCode.INVALID_INPUT);
      }
      assertThat(pool.breakerState(s.id())).isEqualTo(io.vertx.circuitbreaker.CircuitBreakerState.CLOSED);
      status.set(503);
      for (int i = 0; i < 2; i++) {
        assertThat(catchThrowableOfType(GatewayException.class, () -> call(s, "echo", new JsonObject())).code())
            .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      }
      assertThat(pool.breakerState(s.id())).isEqualTo(io.vertx.circuitbreaker.CircuitBreakerState.OPEN);
    } finally {
      answering.close().await();
    }
  }

  @Test
  void a_caller_does_not_sit_out_a_long_reconnect_backoff() {
    UpstreamPool patient = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(5),
        Duration.ofSeconds(5), 100, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(20)), null));
    UpstreamServer s = server(Transport.STREAMABLE_HTTP, "http://127.0.0.1:" + deadPort() + "/mcp", null, Map.of());
    GatewayException last = null;
    long took = 0;
    for (int i = 0; i < 8 && (last == null || !last.getMessage().contains("reconnecting")); i++) {
      long before = System.nanoTime();
      last = catchThrowableOfType(GatewayException.class,
          () -> await(() -> patient.callTool(s, "echo", new JsonObject(), null, n -> { }).result()));
      took = Duration.ofNanos(System.nanoTime() - before).toMillis();
    }
    assertThat(last.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(last.getMessage()).contains(s.slug()).contains("reconnecting").contains("retry in");
    assertThat(took).isLessThan(500);
    await(patient::close);
  }

  private static int deadPort() {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A downstream session declaring {@code capabilities}; nothing is asked of it in these tests. */
  private static DownstreamClient client(String sessionId, JsonObject capabilities) {
    return new DownstreamClient() {
      @Override
      public String sessionId() {
        return sessionId;
      }

      @Override
      public JsonObject capabilities() {
        return capabilities;
      }

      @Override
      public Future<JsonObject> request(ServerRequest request) {
        return Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "not in this test"));
      }

      @Override
      public void notification(JsonObject notification) {}
    };
  }

  private String pid(UpstreamServer s, DownstreamClient client) {
    return text(await(() -> pool.callTool(s, "pid", new JsonObject(), null, client, CallRelay.notificationsOnly(null)).result()));
  }

  @Test
  void a_caller_declaring_client_features_gets_an_upstream_session_of_its_own_closed_with_its_session() {
    // Each isolated session starts its own JVM, which takes longer than this class's 4 s call budget.
    pool = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(20),
        Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500))));
    UpstreamServer s = server(Transport.STDIO, null, StdioFixtureMain.command("isolated"), Map.of());
    JsonObject sampling = new JsonObject().put("sampling", new JsonObject());
    String shared = pid(s, null);
    assertThat(pid(s, client("plain", new JsonObject().put("experimental", new JsonObject())))).isEqualTo(shared);
    String a = pid(s, client("a", sampling));
    String b = pid(s, client("b", new JsonObject().put("roots", new JsonObject())));
    assertThat(List.of(shared, a, b)).doesNotHaveDuplicates();
    assertThat(pid(s, client("a", sampling))).isEqualTo(a);
    onContext(() -> {
      pool.release("a");
      return null;
    });
    Eventually.await("session a's own stdio process to exit", Duration.ofSeconds(10),
        () -> ProcessHandle.of(Long.parseLong(a)).map(h -> !h.isAlive()).orElse(true));
    assertThat(ProcessHandle.of(Long.parseLong(b)).map(ProcessHandle::isAlive)).contains(true);
    assertThat(pid(s, client("a", sampling))).isNotEqualTo(a);
  }

  @Test
  void past_the_bound_on_isolated_sessions_a_caller_shares_the_connection_that_declares_nothing() {
    UpstreamPool bounded = onContext(() -> new UpstreamPool(vertx, new UpstreamPool.Settings(Duration.ofSeconds(5),
        Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMillis(500), 1)));
    try (HttpFixtureServer up = HttpFixtureServer.streamable("bounded")) {
      UpstreamServer s = server(Transport.STREAMABLE_HTTP, up.url(), null, Map.of());
      JsonObject sampling = new JsonObject().put("sampling", new JsonObject());
      for (String session : List.of("first", "second")) {
        await(() -> bounded.callTool(s, "echo", new JsonObject().put("text", session), null, client(session, sampling),
            CallRelay.notificationsOnly(null)).result());
      }
      List<JsonObject> initializes = up.seen().stream().filter(r -> "initialize".equals(r.jsonRpcMethod()))
          .map(r -> new JsonObject(r.body())).toList();
      assertThat(initializes).extracting(i -> i.getJsonObject("params").getJsonObject("capabilities"))
          .containsExactlyInAnyOrder(sampling, new JsonObject());
    } finally {
      await(bounded::close);
    }
  }
}
