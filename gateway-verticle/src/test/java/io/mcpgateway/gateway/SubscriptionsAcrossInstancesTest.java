package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * resources/subscribe and unsubscribe with two gateway instances on one port: every request on a fresh
 * connection, so consecutive requests of one session land on alternate instances. A subscription must be
 * released wherever the unsubscribe lands, held by one instance only (one update, one notification), and taken
 * again upstream when the upstream forgets its session.
 */
class SubscriptionsAcrossInstancesTest {
  private static final String WATCHED = "test://watched-resource";
  private static GatewayHarness gw;
  private static HttpFixtureServer upstream;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("subscriptions", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000"), 2);
    upstream = HttpFixtureServer.withFeatures("watched", ConformanceFeatures::all);
    preset = gw.preset(GatewayHarness.slug("subs"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("watched"), upstream.url(), Map.of()), List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.close();
  }

  /** A fresh connection each time, so consecutive requests land on different instances. */
  private static HttpClientResponse send(HttpMethod method, String session, JsonObject body, StringBuilder into) {
    return gw.sendFresh(method, preset.slug(), session, body, into);
  }

  private static String session() {
    String session = gw.initializeFresh(preset.slug());
    send(HttpMethod.POST, session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"), null);
    return session;
  }

  private static void request(String session, int id, String method) {
    HttpClientResponse r = send(HttpMethod.POST, session, new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("method", method).put("params", new JsonObject().put("uri", WATCHED)), null);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private static long upstreamCount(String method) {
    return upstream.seen().stream().filter(r -> method.equals(r.jsonRpcMethod())).count();
  }

  private static long count(StringBuilder stream, String text) {
    synchronized (stream) {
      return stream.toString().lines().filter(l -> l.contains(text)).count();
    }
  }

  @Test
  void an_unsubscribe_reaching_another_instance_releases_the_upstream_subscription() {
    String session = session();
    long subscribed = upstreamCount("resources/subscribe");
    long unsubscribed = upstreamCount("resources/unsubscribe");
    for (int round = 1; round <= 3; round++) {
      request(session, 10 + round, "resources/subscribe");
      int r = round;
      Eventually.await("upstream subscription " + round, Duration.ofSeconds(10),
          () -> upstreamCount("resources/subscribe") - subscribed >= r);
      request(session, 20 + round, "resources/unsubscribe");
      Eventually.await("every upstream subscription released, round " + round, Duration.ofSeconds(10),
          () -> upstreamCount("resources/unsubscribe") - unsubscribed == upstreamCount("resources/subscribe") - subscribed);
    }
  }

  @Test
  void a_session_subscribed_on_two_instances_is_held_by_one_and_told_of_each_update_once() {
    String session = session();
    StringBuilder stream = new StringBuilder();
    assertThat(send(HttpMethod.GET, session, null, stream).statusCode()).isEqualTo(200);
    long subscribed = upstreamCount("resources/subscribe");
    long unsubscribed = upstreamCount("resources/unsubscribe");
    request(session, 31, "resources/subscribe");
    request(session, 32, "resources/subscribe");
    // Whichever instances took them, exactly one upstream subscription is left for the session.
    Eventually.await("one holder", Duration.ofSeconds(10), () -> upstreamCount("resources/subscribe") - subscribed
        - (upstreamCount("resources/unsubscribe") - unsubscribed) == 1);
    upstream.resourceUpdated(WATCHED);
    Eventually.await("the first update", Duration.ofSeconds(10), () -> count(stream, "notifications/resources/updated") >= 1);
    upstream.resourceUpdated(WATCHED);
    Eventually.await("the second update", Duration.ofSeconds(10), () -> count(stream, "notifications/resources/updated") >= 2);
    assertThat(count(stream, "notifications/resources/updated")).isEqualTo(2);
    request(session, 33, "resources/unsubscribe");
    Eventually.await("released", Duration.ofSeconds(10), () -> upstreamCount("resources/subscribe") - subscribed
        == upstreamCount("resources/unsubscribe") - unsubscribed);
  }

  @Test
  void concurrent_subscribes_of_one_session_on_two_instances_converge_on_one_holder() throws Exception {
    String session = session();
    long subscribed = upstreamCount("resources/subscribe");
    long unsubscribed = upstreamCount("resources/unsubscribe");
    for (int round = 0; round < 3; round++) {
      int id = 50 + 2 * round;
      var one = java.util.concurrent.CompletableFuture.runAsync(() -> request(session, id, "resources/subscribe"));
      var two = java.util.concurrent.CompletableFuture.runAsync(() -> request(session, id + 1, "resources/subscribe"));
      one.get(20, java.util.concurrent.TimeUnit.SECONDS);
      two.get(20, java.util.concurrent.TimeUnit.SECONDS);
      Eventually.await("one holder after round " + round, Duration.ofSeconds(10), () -> upstreamCount("resources/subscribe")
          - subscribed - (upstreamCount("resources/unsubscribe") - unsubscribed) == 1);
    }
    request(session, 60, "resources/unsubscribe");
    Eventually.await("released", Duration.ofSeconds(10), () -> upstreamCount("resources/subscribe") - subscribed
        == upstreamCount("resources/unsubscribe") - unsubscribed);
  }

  @Test
  void a_subscription_is_taken_again_when_the_upstream_restarts_and_forgets_its_session() {
    String session = session();
    StringBuilder stream = new StringBuilder();
    assertThat(send(HttpMethod.GET, session, null, stream).statusCode()).isEqualTo(200);
    request(session, 41, "resources/subscribe");
    long subscribed = upstreamCount("resources/subscribe");
    upstream.stop();
    upstream.restart();
    Eventually.await("the subscription taken again on the restarted upstream", Duration.ofSeconds(30),
        () -> upstreamCount("resources/subscribe") > subscribed);
    // The restarted server sends updates on its GET stream, which the gateway may not have reopened yet when the
    // subscribe arrives: an update sent before then is lost by the server itself, so it is sent until one arrives.
    Eventually.await("the update after the restart", Duration.ofSeconds(15), () -> {
      upstream.resourceUpdated(WATCHED);
      return count(stream, "notifications/resources/updated") >= 1;
    });
    request(session, 42, "resources/unsubscribe");
  }
}
