package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.mcpgateway.testing.mcp.modern.NodePackages;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP 2026-07-28 {@code subscriptions/listen} through a preset, over real HTTP: every filter the spec defines
 * (tools/prompts/resources list changes, resource updates for named URIs) from a 2025 upstream (Java SDK, which
 * gets {@code resources/subscribe}) and a 2026 upstream (TypeScript SDK v2, which gets the URIs on the gateway's
 * own listen stream); exactly the honoured filter acknowledged; only the named URIs; one upstream subscription
 * shared by the listeners of a URI and released after the last stream closed; the bounds; several instances.
 */
class ListenSubscriptionsTest {
  private static final String V = "2026-07-28";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static GatewayHarness gw;
  private static HttpFixtureServer legacy;
  private static HttpFixtureServer plain;
  private static ModernFixtureServer modern;
  private static ModernFixtureServer twinA;
  private static ModernFixtureServer twinB;
  private static Preset both;
  private static Preset twins;
  private static Preset toolsOnly;
  private static UpstreamServer twinAServer;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("listen", new JsonObject());
    legacy = HttpFixtureServer.withFeatures("old", ConformanceFeatures::all);
    plain = HttpFixtureServer.streamable("plain");
    modern = ModernFixtureServer.start("new");
    twinA = ModernFixtureServer.start("dup");
    twinB = ModernFixtureServer.start("dup");
    both = gw.preset(GatewayHarness.slug("both"), Visibility.PUBLIC);
    gw.link(both, gw.httpServer(GatewayHarness.slug("old"), legacy.url(), Map.of()), List.of());
    gw.link(both, gw.httpServer(GatewayHarness.slug("new"), modern.url(), Map.of()), List.of());
    twins = gw.preset(GatewayHarness.slug("twins"), Visibility.PUBLIC);
    twinAServer = gw.httpServer(GatewayHarness.slug("twa"), twinA.url(), Map.of());
    gw.link(twins, twinAServer, List.of());
    gw.link(twins, gw.httpServer(GatewayHarness.slug("twb"), twinB.url(), Map.of()), List.of());
    toolsOnly = gw.preset(GatewayHarness.slug("tools"), Visibility.PUBLIC);
    gw.link(toolsOnly, gw.httpServer(GatewayHarness.slug("plain"), plain.url(), Map.of()), List.of());
  }

  @AfterAll
  static void stop() {
    gw.close();
    legacy.close();
    plain.close();
    modern.close();
    twinA.close();
    twinB.close();
  }

  static JsonObject listenRequest(Object id, JsonObject filter) {
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/protocolVersion", V)
        .put("io.modelcontextprotocol/clientCapabilities", new JsonObject());
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "subscriptions/listen")
        .put("params", new JsonObject().put("_meta", meta).put("notifications", filter));
  }

  static JsonObject uris(String... uris) {
    return new JsonObject().put("resourceSubscriptions", new JsonArray(List.of(uris)));
  }

  /** One subscriptions/listen stream on a connection of its own (closing it closes the stream). */
  static final class Listen implements AutoCloseable {
    final Object id;
    final HttpClient client;
    final StringBuilder text = new StringBuilder();
    final int status;

    Listen(GatewayHarness gw, Preset preset, Object id, JsonObject filter) {
      this.id = id;
      this.client = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      this.status = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
              .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json, text/event-stream")
              .putHeader("Content-Type", "application/json").putHeader("MCP-Protocol-Version", V)
              .putHeader("Mcp-Method", "subscriptions/listen"))
          .compose(req -> req.send(listenRequest(id, filter).toBuffer()))
          .map(resp -> {
            resp.handler(b -> {
              synchronized (text) {
                text.append(b.toString());
              }
            });
            return resp.statusCode();
          }).await();
    }

    String text() {
      synchronized (text) {
        return text.toString();
      }
    }

    List<JsonObject> messages() {
      List<JsonObject> out = new ArrayList<>();
      String all = text();
      if (all.startsWith("{")) {
        out.add(new JsonObject(all));
        return out;
      }
      // Only complete events (a blank line ends each); a priming event (an id, empty data) carries no message.
      String complete = all.substring(0, all.lastIndexOf("\n\n") + 1);
      complete.lines().filter(l -> l.startsWith("data: ") && !l.substring(6).isBlank())
          .forEach(l -> out.add(new JsonObject(l.substring(6))));
      return out;
    }

    JsonObject ack() {
      Eventually.await("the acknowledgement of listen " + id, WAIT, () -> !messages().isEmpty());
      JsonObject first = messages().get(0);
      assertThat(first.getString("method")).as(text()).isEqualTo("notifications/subscriptions/acknowledged");
      assertThat(first.getJsonObject("params").getJsonObject("_meta").getValue("io.modelcontextprotocol/subscriptionId"))
          .isEqualTo(id);
      return first.getJsonObject("params").getJsonObject("notifications");
    }

    /** Every notification after the acknowledgement with this method; each must carry the subscription id. */
    List<JsonObject> received(String method) {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject m : messages()) {
        if (method.equals(m.getString("method"))) {
          assertThat(m.getJsonObject("params").getJsonObject("_meta").getValue("io.modelcontextprotocol/subscriptionId"))
              .as(m.encode()).isEqualTo(id);
          out.add(m.getJsonObject("params"));
        }
      }
      return out;
    }

    List<String> updatedUris() {
      return received("notifications/resources/updated").stream().map(p -> p.getString("uri")).toList();
    }

    JsonObject error() {
      Eventually.await("the answer to listen " + id, WAIT, () -> !text().isBlank() && text().trim().endsWith("}"));
      return new JsonObject(text()).getJsonObject("error");
    }

    @Override
    public void close() {
      client.close().await();
    }
  }

  /** How many of the modern fixture's open listen streams watch {@code uri}. */
  static long watching(ModernFixtureServer fixture, String uri) {
    return new JsonArray(fixture.listens()).stream().map(JsonObject.class::cast)
        .filter(f -> f.getJsonArray("resourceSubscriptions", new JsonArray()).contains(uri)).count();
  }

  static long seen(HttpFixtureServer fixture, String method, String uri) {
    return fixture.seen().stream().filter(s -> method.equals(s.jsonRpcMethod()) && s.body().contains(uri)).count();
  }

  /** Each test closes its streams; the next starts once the gateway let them go. */
  static void noStreamsOpen() {
    Eventually.await("no listen streams open", WAIT, () -> gw.gateway.listenStreams().await() == 0);
  }

  @Test
  void the_acknowledgement_reports_exactly_the_honoured_filter() {
    JsonObject all = uris("test://watched-resource", "new://doc/a", "nope://not-offered")
        .put("toolsListChanged", true).put("promptsListChanged", true).put("resourcesListChanged", true);
    try (Listen l = new Listen(gw, both, 1, all); Listen bare = new Listen(gw, toolsOnly, "two", all.copy());
        Listen none = new Listen(gw, both, 3, new JsonObject().put("toolsListChanged", false))) {
      assertThat(l.ack()).isEqualTo(new JsonObject().put("toolsListChanged", true).put("promptsListChanged", true)
          .put("resourcesListChanged", true)
          .put("resourceSubscriptions", new JsonArray().add("test://watched-resource").add("new://doc/a")));
      // A preset offering neither prompts nor resources honours the tool list alone.
      assertThat(bare.ack()).isEqualTo(new JsonObject().put("toolsListChanged", true));
      assertThat(none.ack()).isEmpty();
    }
  }

  @Test
  void prompt_list_changes_of_a_2025_and_a_2026_upstream_reach_the_listener() {
    try (Listen l = new Listen(gw, both, 10, new JsonObject().put("promptsListChanged", true));
        Listen resources = new Listen(gw, both, 11, new JsonObject().put("resourcesListChanged", true))) {
      l.ack();
      resources.ack();
      legacy.addPrompt(new SyncPromptSpecification(new McpSchema.Prompt("added_old", "added", List.of()),
          (ex, req) -> new McpSchema.GetPromptResult(null, List.of())));
      Eventually.await("prompts/list_changed from the 2025 upstream", WAIT,
          () -> !l.received("notifications/prompts/list_changed").isEmpty());
      int before = l.received("notifications/prompts/list_changed").size();
      modern.addPrompt("added_new");
      Eventually.await("prompts/list_changed from the 2026 upstream", WAIT,
          () -> l.received("notifications/prompts/list_changed").size() > before);
      // The filter asked for prompts only.
      assertThat(l.received("notifications/tools/list_changed")).isEmpty();
      assertThat(l.received("notifications/resources/list_changed")).isEmpty();
      // Only prompts changed: a resources listener hears nothing of it (a preset edit, which changes every list,
      // is the marker that everything sent before it has arrived).
      gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED,
          new PresetChanged(both.id(), both.slug(), Change.UPDATED).toJson());
      Eventually.await("the preset edit's resources/list_changed", WAIT,
          () -> !resources.received("notifications/resources/list_changed").isEmpty());
      assertThat(resources.received("notifications/resources/list_changed")).hasSize(1);
    }
  }

  @Test
  void a_resource_update_reaches_only_the_streams_watching_that_uri() {
    try (Listen a = new Listen(gw, both, 20, uris("test://watched-resource", "new://doc/a"));
        Listen b = new Listen(gw, both, 21, uris("new://doc/b"))) {
      a.ack();
      b.ack();
      legacy.resourceUpdated("test://watched-resource");
      modern.resourceUpdated("new://doc/a");
      modern.resourceUpdated("new://doc/b");
      Eventually.await("both updates on the first stream", WAIT, () -> a.updatedUris().size() >= 2);
      Eventually.await("the update on the second stream", WAIT, () -> !b.updatedUris().isEmpty());
      // Stream b's update was sent last; had it leaked, it would be on a by now.
      assertThat(a.updatedUris()).containsExactlyInAnyOrder("test://watched-resource", "new://doc/a");
      assertThat(b.updatedUris()).containsExactly("new://doc/b");
    }
  }

  @Test
  void a_clash_renamed_uri_is_watched_on_its_own_server_and_reported_under_the_exposed_uri() {
    String exposed = "mcpgw://" + twinAServer.slug() + "/dup://doc/a";
    try (Listen l = new Listen(gw, twins, 30, uris(exposed))) {
      assertThat(l.ack().getJsonArray("resourceSubscriptions")).containsExactly(exposed);
      assertThat(watching(twinA, "dup://doc/a")).isEqualTo(1);
      assertThat(watching(twinB, "dup://doc/a")).isZero();
      twinB.resourceUpdated("dup://doc/a");
      twinA.resourceUpdated("dup://doc/a");
      Eventually.await("the update", WAIT, () -> !l.updatedUris().isEmpty());
      assertThat(l.updatedUris()).containsExactly(exposed);
    }
  }

  @Test
  void listeners_of_one_uri_share_one_upstream_subscription_released_after_the_last_stream_closed() {
    noStreamsOpen();
    String watched = "test://static-text";
    long subscribes = seen(legacy, "resources/subscribe", watched);
    long unsubscribes = seen(legacy, "resources/unsubscribe", watched);
    Listen first = new Listen(gw, both, 40, uris(watched, "new://doc/b"));
    Listen second = new Listen(gw, both, 41, uris(watched, "new://doc/b"));
    assertThat(first.ack().getJsonArray("resourceSubscriptions")).hasSize(2);
    second.ack();
    assertThat(seen(legacy, "resources/subscribe", watched)).isEqualTo(subscribes + 1);
    Eventually.await("one upstream listen stream watching doc/b", WAIT, () -> watching(modern, "new://doc/b") == 1);

    first.close();
    legacy.resourceUpdated(watched);
    modern.resourceUpdated("new://doc/b");
    Eventually.await("the updates on the stream still open", WAIT, () -> second.updatedUris().size() >= 2);
    assertThat(seen(legacy, "resources/unsubscribe", watched)).isEqualTo(unsubscribes);
    assertThat(watching(modern, "new://doc/b")).isEqualTo(1);

    second.close();
    Eventually.await("resources/unsubscribe upstream", WAIT,
        () -> seen(legacy, "resources/unsubscribe", watched) == unsubscribes + 1);
    Eventually.await("the 2026 upstream no longer watched", WAIT, () -> watching(modern, "new://doc/b") == 0);
  }

  @Test
  void a_2025_session_and_a_2026_stream_share_the_subscription_on_a_2026_upstream() {
    noStreamsOpen();
    List<List<McpSchema.ResourceContents>> sessionUpdates = new CopyOnWriteArrayList<>();
    var transport = HttpClientStreamableHttpTransport.builder(gw.base()).endpoint("/mcp/" + both.slug()).build();
    try (McpSyncClient session = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
        .resourcesUpdateConsumer(sessionUpdates::add).build();
        Listen stream = new Listen(gw, both, 45, uris("new://doc/a"))) {
      session.initialize();
      // resources/subscribe from a 2025 client reaches the 2026 server as a URI on the gateway's listen stream.
      session.subscribeResource(new McpSchema.SubscribeRequest("new://doc/a"));
      stream.ack();
      Eventually.await("one upstream listen stream watching doc/a", WAIT, () -> watching(modern, "new://doc/a") == 1);
      modern.resourceUpdated("new://doc/a");
      Eventually.await("the update in both eras", WAIT, () -> !sessionUpdates.isEmpty() && !stream.updatedUris().isEmpty());
      assertThat(sessionUpdates.get(0)).extracting(McpSchema.ResourceContents::uri).containsExactly("new://doc/a");
      session.unsubscribeResource(new McpSchema.UnsubscribeRequest("new://doc/a"));
      // The stream still holds it.
      modern.resourceUpdated("new://doc/a");
      Eventually.await("the second update on the stream", WAIT, () -> stream.updatedUris().size() >= 2);
      assertThat(watching(modern, "new://doc/a")).isEqualTo(1);
    }
    Eventually.await("doc/a no longer watched upstream", WAIT, () -> watching(modern, "new://doc/a") == 0);
  }

  @Test
  void after_a_2026_upstream_restarts_the_gateway_listens_again_for_the_watched_uris() {
    try (ModernFixtureServer phoenix = ModernFixtureServer.start("phoenix")) {
      Preset p = gw.preset(GatewayHarness.slug("phoenix"), Visibility.PUBLIC);
      gw.link(p, gw.httpServer(GatewayHarness.slug("phoenix"), phoenix.url(), Map.of()), List.of());
      try (Listen l = new Listen(gw, p, 80, uris("phoenix://doc/a"))) {
        l.ack();
        // Down longer than the first reopen (1 s after the stream ended): the gateway must keep trying.
        phoenix.restart(Duration.ofSeconds(4));
        Eventually.await("the gateway's listen stream on the restarted server", Duration.ofSeconds(30),
            () -> watching(phoenix, "phoenix://doc/a") == 1);
        phoenix.resourceUpdated("phoenix://doc/a");
        Eventually.await("the update after the restart", WAIT, () -> l.updatedUris().equals(List.of("phoenix://doc/a")));
      }
    }
  }

  @Test
  void a_stream_whose_watched_uri_the_preset_no_longer_exposes_ends_gracefully() {
    Preset edited = gw.preset(GatewayHarness.slug("edited"), Visibility.PUBLIC);
    UpstreamServer server = gw.httpServer(GatewayHarness.slug("new"), modern.url(), Map.of());
    gw.link(edited, server, List.of());
    try (Listen watching = new Listen(gw, edited, 90, uris("new://doc/a"));
        Listen tools = new Listen(gw, edited, 91, new JsonObject().put("toolsListChanged", true))) {
      assertThat(watching.ack().getJsonArray("resourceSubscriptions")).containsExactly("new://doc/a");
      tools.ack();
      // Only doc/b stays visible through the preset.
      gw.presets.upsertLink(gw.pool, edited.id(), server.id(), true, List.of(), List.of(), List.of("new://doc/b")).await();
      gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(edited.id(), edited.slug(), Change.UPDATED).toJson());
      Eventually.await("the closing result on the stream watching a hidden URI", WAIT, () -> watching.messages().stream()
          .anyMatch(m -> Integer.valueOf(90).equals(m.getValue("id")) && m.getJsonObject("result") != null));
      Eventually.await("the tool list change on the other stream", WAIT,
          () -> !tools.received("notifications/tools/list_changed").isEmpty());
      assertThat(tools.messages()).noneMatch(m -> m.containsKey("result"));
      // Listening again: the hidden URI is no longer acknowledged, the visible one is.
      try (Listen again = new Listen(gw, edited, 92, uris("new://doc/a", "new://doc/b"))) {
        assertThat(again.ack().getJsonArray("resourceSubscriptions")).containsExactly("new://doc/b");
      }
    }
  }

  @Test
  void a_stopping_gateway_ends_each_stream_with_its_result_and_lets_the_upstream_subscriptions_go() {
    try (ModernFixtureServer parting = ModernFixtureServer.start("parting");
        GatewayHarness stopping = new GatewayHarness("listenstop", new JsonObject())) {
      Preset p = stopping.preset(GatewayHarness.slug("stop"), Visibility.PUBLIC);
      stopping.link(p, stopping.httpServer(GatewayHarness.slug("parting"), parting.url(), Map.of()), List.of());
      try (Listen l = new Listen(stopping, p, "bye", uris("parting://doc/a"))) {
        l.ack();
        Eventually.await("the upstream watched", WAIT, () -> watching(parting, "parting://doc/a") == 1);
        for (String id : stopping.vertx.deploymentIDs()) {
          stopping.vertx.undeploy(id).await();
        }
        Eventually.await("the closing result", WAIT, () -> l.messages().stream().anyMatch(m -> "bye".equals(m.getValue("id"))
            && "complete".equals(m.getJsonObject("result").getString("resultType"))
            && "bye".equals(m.getJsonObject("result").getJsonObject("_meta").getValue("io.modelcontextprotocol/subscriptionId"))));
        Eventually.await("the upstream no longer watched", WAIT, () -> watching(parting, "parting://doc/a") == 0);
      }
    }
  }

  @Test
  void the_typescript_sdk_v2_client_listens_through_the_preset_and_its_close_releases_the_upstream() throws Exception {
    noStreamsOpen();
    var dir = NodePackages.dir();
    JsonObject filter = uris("new://doc/b", "test://watched-resource").put("promptsListChanged", true);
    Process p = new ProcessBuilder(NodePackages.node(dir).toString(), NodePackages.script("modern-listener.mjs").toString(),
        gw.base() + "/mcp/" + both.slug(), filter.encode()).directory(dir.toFile()).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8)).lines().forEach(lines::add), "ts-listener");
    reader.setDaemon(true);
    reader.start();
    try {
      Eventually.await("the SDK's acknowledged subscription", Duration.ofSeconds(30),
          () -> lines.stream().anyMatch(l -> l.startsWith("{\"honoured\"") || l.startsWith("{\"error\"")));
      JsonObject honoured = lines.stream().filter(l -> l.startsWith("{")).map(JsonObject::new).findFirst().orElseThrow();
      assertThat(honoured.getJsonObject("honoured")).as(String.join("\n", lines)).isEqualTo(filter);
      modern.resourceUpdated("new://doc/b");
      legacy.resourceUpdated("test://watched-resource");
      Eventually.await("both updates in the SDK client", WAIT, () -> lines.stream().filter(l -> l.contains("notifications/resources/updated")).count() >= 2);
      assertThat(lines).anyMatch(l -> l.contains("\"uri\":\"new://doc/b\"")).anyMatch(l -> l.contains("\"uri\":\"test://watched-resource\""));
      p.getOutputStream().close();
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(String.join("\n", lines)).isTrue();
      assertThat(p.exitValue()).isZero();
      Eventually.await("the upstream subscription released after the SDK closed it", WAIT,
          () -> watching(modern, "new://doc/b") == 0);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void malformed_filters_and_too_many_uris_are_refused_with_invalid_params() {
    String[] many = IntStream.range(0, 101).mapToObj(i -> "test://many/" + i).toArray(String[]::new);
    try (Listen tooMany = new Listen(gw, both, 50, uris(many));
        Listen notArray = new Listen(gw, both, 51, new JsonObject().put("resourceSubscriptions", "test://x"));
        Listen notBoolean = new Listen(gw, both, 52, new JsonObject().put("toolsListChanged", "yes"))) {
      for (Listen l : List.of(tooMany, notArray, notBoolean)) {
        assertThat(l.status).isEqualTo(400);
        assertThat(l.error().getInteger("code")).isEqualTo(-32602);
        assertThat(new JsonObject(l.text()).getValue("id")).isEqualTo(l.id);
      }
      assertThat(tooMany.error().getString("message")).contains("at most 100 resource URIs (got 101)");
      assertThat(notArray.error().getString("message")).contains("resourceSubscriptions must be an array");
    }
  }

  @Test
  void past_the_instance_bound_on_upstream_subscriptions_a_listen_is_refused_and_holds_nothing() {
    try (GatewayHarness capped = new GatewayHarness("listencap", new JsonObject().put("MGW_UPSTREAM_MAX_SUBSCRIPTIONS", "2"))) {
      Preset p = capped.preset(GatewayHarness.slug("cap"), Visibility.PUBLIC);
      capped.link(p, capped.httpServer(GatewayHarness.slug("new"), modern.url(), Map.of()), List.of());
      try (Listen held = new Listen(capped, p, 60, uris("new://doc/x", "new://doc/y"))) {
        assertThat(held.ack().getJsonArray("resourceSubscriptions")).hasSize(2);
        try (Listen refused = new Listen(capped, p, 61, uris("new://doc/z"))) {
          assertThat(refused.status).isEqualTo(503);
          assertThat(refused.error().getString("message")).contains("maximum of 2 upstream resource subscriptions")
              .contains("MGW_UPSTREAM_MAX_SUBSCRIPTIONS");
        }
        // URIs already held are shared, so they still fit.
        try (Listen shared = new Listen(capped, p, 62, uris("new://doc/x"))) {
          assertThat(shared.ack().getJsonArray("resourceSubscriptions")).containsExactly("new://doc/x");
        }
      }
    }
  }

  @Test
  void listen_streams_work_on_every_gateway_instance_and_end_when_the_preset_is_deleted() {
    try (ModernFixtureServer solo = ModernFixtureServer.start("solo");
        GatewayHarness two = new GatewayHarness("listen2", new JsonObject().put("MGW_GATEWAY_INSTANCES", "2"), 2)) {
      Preset p = two.preset(GatewayHarness.slug("two"), Visibility.PUBLIC);
      two.link(p, two.httpServer(GatewayHarness.slug("solo"), solo.url(), Map.of()), List.of());
      List<Listen> streams = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Listen l = new Listen(two, p, 70 + i, uris("solo://doc/a").put("toolsListChanged", true));
          streams.add(l);
          l.ack();
        }
        for (GatewayVerticle instance : two.instances) {
          assertThat(instance.listenStreams().await()).as("streams on each instance").isPositive();
        }
        solo.resourceUpdated("solo://doc/a");
        for (Listen l : streams) {
          Eventually.await("the update on stream " + l.id, WAIT, () -> l.updatedUris().equals(List.of("solo://doc/a")));
        }
        two.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(p.id(), p.slug(), Change.DELETED).toJson());
        for (Listen l : streams) {
          Eventually.await("the closing result on stream " + l.id, WAIT, () -> l.messages().stream()
              .anyMatch(m -> l.id.equals(m.getValue("id")) && m.getJsonObject("result") != null
                  && "complete".equals(m.getJsonObject("result").getString("resultType"))));
          assertThat(l.received("notifications/tools/list_changed")).isNotEmpty();
        }
        Eventually.await("the upstream subscriptions released", WAIT, () -> watching(solo, "solo://doc/a") == 0);
      } finally {
        streams.forEach(Listen::close);
      }
    }
  }
}
