package io.mcpgateway.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.testing.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private SessionCounts counts;
  private SessionTokens tokens;

  private SessionRegistry registry(int perCaller, int perNode) {
    counts = new SessionCounts(perCaller, perNode);
    tokens = new SessionTokens(io.mcpgateway.model.crypto.SecretBox.fromBase64(io.mcpgateway.model.crypto.SecretBox.generateKey()),
        Duration.ofHours(1), java.time.Clock.systemUTC());
    return OnContext.call(context, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5), SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, counts));
  }

  private Session create(SessionRegistry r, String caller) {
    return OnContext.call(context, () -> r.create(UUID.randomUUID(), "p", "2025-11-25", caller, new JsonObject()));
  }

  @Test
  void one_caller_holds_at_most_its_cap_and_ending_one_frees_a_place() {
    SessionRegistry r = registry(3, 100);
    Session first = create(r, "ip:10.0.0.1");
    create(r, "ip:10.0.0.1");
    create(r, "ip:10.0.0.1");
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> create(r, "ip:10.0.0.1"));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.getMessage()).contains("too many open sessions").contains("3");
    assertThat(create(r, "ip:10.0.0.2")).isNotNull();
    OnContext.call(context, () -> r.end(first.id()));
    assertThat(counts.of("ip:10.0.0.1")).isEqualTo(2);
    assertThat(create(r, "ip:10.0.0.1")).isNotNull();
  }

  @Test
  void the_node_holds_at_most_its_cap_across_callers() {
    SessionRegistry r = registry(100, 4);
    for (int i = 0; i < 4; i++) {
      create(r, "ip:10.0.1." + i);
    }
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> create(r, "ip:10.0.1.99"));
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(r.size()).isEqualTo(4);
    assertThat(counts.total()).isEqualTo(4);
  }

  @Test
  void two_instances_of_a_node_share_the_caps() {
    SessionRegistry first = registry(2, 100);
    var tokens = new SessionTokens(io.mcpgateway.model.crypto.SecretBox.fromBase64(io.mcpgateway.model.crypto.SecretBox.generateKey()),
        Duration.ofHours(1), java.time.Clock.systemUTC());
    SessionRegistry second = OnContext.call(context, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5), SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, counts));
    create(first, "caller");
    create(second, "caller");
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> create(second, "caller"));
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
  }

  @Test
  void a_session_seen_by_several_instances_counts_once_against_the_caps() {
    SessionRegistry first = registry(2, 100);
    SessionRegistry second = OnContext.call(context, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5),
        SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, counts));
    Session s = create(first, "caller");
    assertThat(OnContext.call(context, () -> second.get(s.id()).isPresent())).isTrue();
    assertThat(counts.of("caller")).as("two views, one session").isEqualTo(1);
    assertThat(counts.total()).isEqualTo(1);
    Session other = create(second, "caller");
    assertThat(other).as("the caller holds 2 sessions, its cap, not 3 views").isNotNull();
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> create(first, "caller"));
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    OnContext.call(context, () -> first.end(s.id()));
    // The other instance drops its view when the ended message reaches it; then the session stops counting.
    io.mcpgateway.testing.Eventually.await("the ended session to stop counting", Duration.ofSeconds(5),
        () -> counts.of("caller") == 1);
  }

  @Test
  void a_session_ended_on_one_instance_is_gone_on_another_before_the_bus_message_arrives() {
    var tokens = new SessionTokens(io.mcpgateway.model.crypto.SecretBox.fromBase64(io.mcpgateway.model.crypto.SecretBox.generateKey()),
        Duration.ofHours(1), java.time.Clock.systemUTC());
    SessionCounts shared = new SessionCounts(10, 100);
    EndedSessions ended = new EndedSessions(SessionRegistry.MAX_ENDED, Duration.ofHours(1));
    SessionRegistry first = OnContext.call(context, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5),
        SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, shared, ended));
    SessionRegistry second = OnContext.call(context, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5),
        SessionRegistry.DEFAULT_CLIENT_ANSWER_TIMEOUT, shared, ended));
    Session s = create(first, "caller");
    assertThat(OnContext.call(context, () -> second.get(s.id()).isPresent())).as("any instance opens the token").isTrue();
    // DELETE on the first and the next request on the second in one turn of the event loop: the ended message
    // published on the bus cannot have been delivered yet, so only the node-wide ended set can answer.
    boolean seenAfterEnd = OnContext.call(context, () -> {
      first.end(s.id());
      return second.get(s.id()).isPresent();
    });
    assertThat(seenAfterEnd).as("the spec's 404 for a terminated session, on every instance at once").isFalse();
  }

  @Test
  void the_sessions_gauge_counts_the_live_views_of_the_node() {
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    SessionRegistry r = registry(10, 100);
    counts.meter(meters);
    Session first = create(r, "a");
    create(r, "b");
    assertThat(meters.get("mgw_sessions").gauge().value()).isEqualTo(2.0);
    OnContext.call(context, () -> r.end(first.id()));
    assertThat(meters.get("mgw_sessions").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void only_short_name_title_and_version_of_client_info_are_kept() {
    SessionRegistry r = registry(10, 10);
    JsonObject huge = new JsonObject().put("name", "n".repeat(100_000)).put("version", "1.0").put("title", 42)
        .put("extra", new JsonObject().put("blob", "x".repeat(100_000)));
    Session s = OnContext.call(context, () -> r.create(UUID.randomUUID(), "p", "2025-11-25", "c", huge));
    assertThat(s.clientInfo().fieldNames()).containsExactlyInAnyOrder("name", "version");
    assertThat(s.clientInfo().getString("name")).hasSize(SessionRegistry.CLIENT_INFO_TEXT);
  }
}
