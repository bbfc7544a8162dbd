package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data plane as a node runs it: several gateway verticle instances on one port, connections spread over
 * them round-robin. A session made on one instance must work on every other one.
 */
class MultiInstanceTest {
  private static final int INSTANCES = 3;
  private static GatewayHarness gw;
  private static HttpFixtureServer upstream;
  private static Preset preset;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("instances", new JsonObject(), INSTANCES);
    upstream = HttpFixtureServer.streamable("up");
    preset = gw.preset(GatewayHarness.slug("multi"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("up"), upstream.url(), Map.of()), List.of("echo", "slow", "progress"));
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

  private static String initialize() {
    return gw.initializeFresh(preset.slug());
  }

  private static JsonObject call(int id, String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments));
  }

  @Test
  void instances_share_the_port_and_a_session_made_on_one_serves_on_all() {
    assertThat(gw.instances).hasSize(INSTANCES);
    assertThat(gw.instances.stream().map(GatewayVerticle::port).distinct()).containsExactly(gw.port());
    String session = initialize();
    for (int i = 0; i < 2 * INSTANCES; i++) {
      StringBuilder body = new StringBuilder();
      HttpClientResponse r = send(HttpMethod.POST, session, call(10 + i, "echo", new JsonObject().put("text", "n" + i)), body);
      assertThat(r.statusCode()).isEqualTo(200);
      Eventually.await("the answer", Duration.ofSeconds(5), () -> body.toString().contains("up:echo: n"));
    }
    List<Integer> views = new ArrayList<>();
    for (GatewayVerticle instance : gw.instances) {
      views.add(instance.sessionViews().await());
    }
    assertThat(views).as("every instance continued the session from its id").allMatch(v -> v >= 1);
  }

  @Test
  void a_session_ended_on_one_instance_is_gone_on_all() {
    String session = initialize();
    assertThat(send(HttpMethod.DELETE, session, null, null).statusCode()).isEqualTo(204);
    for (int i = 0; i < INSTANCES; i++) {
      JsonObject ping = new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "ping");
      assertThat(send(HttpMethod.POST, session, ping, null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void cancellation_and_the_get_stream_reach_the_instance_that_holds_them() {
    String session = initialize();
    // The GET stream sits on one instance; a list_changed published once reaches it.
    StringBuilder events = new StringBuilder();
    HttpClientResponse stream = send(HttpMethod.GET, session, null, events);
    assertThat(stream.statusCode()).isEqualTo(200);
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    Eventually.await("list_changed on the GET stream", Duration.ofSeconds(5),
        () -> events.toString().contains("notifications/tools/list_changed"));

    // A slow call on one instance, cancelled through the others.
    AtomicReference<String> answer = new AtomicReference<>();
    HttpClient client = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
            .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json").putHeader("Mcp-Session-Id", session))
        .compose(r -> r.send(call(77, "slow", new JsonObject().put("ms", 8000)).toBuffer()))
        .compose(HttpClientResponse::body).onSuccess(b -> answer.set(b.toString()));
    Eventually.await("the slow call upstream", Duration.ofSeconds(5), () -> upstream.seen().stream()
        .anyMatch(r -> "tools/call".equals(r.jsonRpcMethod()) && r.body().contains("\"slow\"")));
    long cancelledAt = System.nanoTime();
    // Connections go round-robin over the instances, so the next one is not the instance running the call.
    assertThat(send(HttpMethod.POST, session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/cancelled")
        .put("params", new JsonObject().put("requestId", 77).put("reason", "stopped elsewhere")), null).statusCode())
        .isEqualTo(202);
    Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(5), () -> upstream.seen().stream()
        .anyMatch(r -> "notifications/cancelled".equals(r.jsonRpcMethod()) && r.body().contains("stopped elsewhere")));
    Eventually.await("the cancelled call to end", Duration.ofSeconds(5), () -> answer.get() != null);
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(5));
  }

  /**
   * A client that lost a POST reply's stream resumes it with a GET that lands on another instance than the one
   * running the call (connections go round-robin): that instance gets the events over the event bus and follows
   * the stream to its response. A lost GET stream resumed elsewhere goes on there.
   */
  @Test
  void a_stream_lost_on_one_instance_is_resumed_through_another() {
    SseClient http = new SseClient(gw.vertx, gw.port(), "/mcp/" + preset.slug());
    String session = http.initialize("2025-11-25");
    java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
    gw.vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().address().startsWith(Addresses.SESSION_REPLAY)) {
        polls.incrementAndGet();
      }
      dc.next();
    });
    SseClient.Exchange call = http.post(session, SseClient.call(40, "progress", new JsonObject().put("steps", 80)))
        .awaitEvents(4);
    List<SseClient.Event> before = call.events();
    call.drop();
    SseClient.Event last = before.get(before.size() - 1);

    SseClient.Exchange resumed = http.get(session, last.id()).awaitEnd();
    assertThat(resumed.status()).isEqualTo(200);
    List<SseClient.Event> rest = resumed.events();
    assertThat(polls.get()).as("the events came over the event bus from the instance running the call").isPositive();
    assertThat(rest).isNotEmpty().allSatisfy(e -> assertThat(e.stream()).isEqualTo(last.stream()));
    for (int i = 0; i < rest.size(); i++) {
      assertThat(rest.get(i).seq()).isEqualTo(last.seq() + 1 + i);
    }
    JsonObject response = rest.get(rest.size() - 1).message();
    assertThat(response.getValue("id")).isEqualTo(40);
    assertThat(response.containsKey("result")).isTrue();
    long progress = java.util.stream.Stream.concat(before.stream(), rest.stream())
        .filter(e -> e.data() != null && e.data().contains("notifications/progress")).count();
    assertThat(progress).isEqualTo(80);

    SseClient.Exchange listening = http.get(session, null).awaitEvents(1);
    SseClient.Event priming = listening.events().get(0);
    listening.drop();
    SseClient.Exchange elsewhere = http.get(session, priming.id()).awaitEvents(1);
    assertThat(elsewhere.status()).isEqualTo(200);
    assertThat(elsewhere.events().get(0).data()).as("the new instance's priming event").isEmpty();
    assertThat(elsewhere.events().get(0).id().split("\\.")[0]).as("another instance").isNotEqualTo(priming.id().split("\\.")[0]);
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    Eventually.await("list_changed on the resumed GET stream", Duration.ofSeconds(5),
        () -> elsewhere.body().contains("list_changed"));
    elsewhere.drop();
  }
}
