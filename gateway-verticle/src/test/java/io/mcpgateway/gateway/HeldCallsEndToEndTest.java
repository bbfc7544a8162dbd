package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.access.ApiKey;
import io.mcpgateway.model.access.ApiKeyStore;
import io.mcpgateway.model.access.ApiKeys;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.mcp.FixtureTools;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.StdioFixtureMain;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 2025-era upstream (Java SDK) asking its client for input while serving a 2026-07-28 caller's call, over raw
 * HTTP as the specification writes it (basic/patterns/mrtr): each server-to-client request becomes an
 * {@code input_required} round, the caller's retry answers it upstream, the final result is the last retry's.
 * Two gateway instances share the port and every request comes on a fresh connection, so retries land on the
 * instance that does not hold the call and are forwarded to it over the event bus.
 */
class HeldCallsEndToEndTest {
  private static final int INSTANCES = 2;
  private static final JsonObject CAPABILITIES = new JsonObject().put("elicitation", new JsonObject())
      .put("sampling", new JsonObject());
  private static GatewayHarness gw;
  private static HttpFixtureServer upstream;
  private static Preset preset;
  /** The same tools from the Java SDK's stdio server, which cannot say which call a request belongs to. */
  private static Preset stdioPreset;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("held", new JsonObject().put("MGW_TOOL_CALL_TIMEOUT", "30s"), INSTANCES);
    upstream = HttpFixtureServer.streamable("held", json -> {
      var tools = new ArrayList<>(FixtureTools.standard(json, "held:"));
      tools.addAll(FixtureTools.clientFeatures(json, "held:"));
      return tools;
    });
    preset = gw.preset(GatewayHarness.slug("held"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("held"), upstream.url(), Map.of()), List.of());
    stdioPreset = gw.preset(GatewayHarness.slug("held-stdio"), Visibility.PUBLIC);
    gw.link(stdioPreset, gw.stdioServer(GatewayHarness.slug("held-stdio"),
        StdioFixtureMain.command("held-stdio", "--client-features"), Map.of()), List.of("elicit", "elicit_then_sample"));
    alice = key("alice");
    bob = key("bob");
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.close();
  }

  /** An API key of a principal of its own: callers are told apart by principal. */
  private static String key(String name) {
    Principal p = new PrincipalStore().upsert(gw.pool, "https://issuer.test", name + "-" + UUID.randomUUID(), null, name,
        false).await();
    String key = ApiKeys.generate();
    new ApiKeyStore().insert(gw.pool, new ApiKey(UUID.randomUUID(), p.id(), name, ApiKeys.prefix(key).orElseThrow(),
        ApiKeys.hash(key), List.of(), null, null, null, null)).await();
    return key;
  }

  private static JsonObject call(String tool, JsonObject arguments, JsonObject extra) {
    JsonObject params = new JsonObject().put("name", tool).put("arguments", arguments)
        .put("_meta", new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
            .put("io.modelcontextprotocol/clientCapabilities", CAPABILITIES.copy()));
    if (extra != null) {
      extra.forEach(e -> {
        if (e.getKey().equals("_meta")) {
          params.getJsonObject("_meta").mergeIn((JsonObject) e.getValue());
        } else {
          params.put(e.getKey(), e.getValue());
        }
      });
    }
    return new JsonObject().put("jsonrpc", "2.0").put("id", UUID.randomUUID().toString()).put("method", "tools/call")
        .put("params", params);
  }

  /** What a POST answered: every JSON-RPC message (SSE) or the one (JSON); the response is the last. */
  private record Answer(List<JsonObject> messages) {
    JsonObject response() {
      return messages.get(messages.size() - 1);
    }

    JsonObject result() {
      assertThat(response().getValue("error")).as(response().encode()).isNull();
      return response().getJsonObject("result");
    }

    String text() {
      JsonObject result = result();
      assertThat(result.getString("resultType")).as(result.encode()).isEqualTo("complete");
      return result.getJsonArray("content").getJsonObject(0).getString("text");
    }
  }

  private static HttpClientRequest open(String auth, JsonObject body) {
    return open(preset, auth, body);
  }

  private static HttpClientRequest open(Preset preset, String auth, JsonObject body) {
    HttpClient client = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
        .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Content-Type", "application/json").putHeader("MCP-Protocol-Version", "2026-07-28")
        .putHeader("Mcp-Method", "tools/call").putHeader("Mcp-Name", body.getJsonObject("params").getString("name"));
    if (auth != null) {
      options.putHeader("Authorization", "Bearer " + auth);
    }
    return client.request(options).await();
  }

  /** POSTs on a fresh connection (so consecutive requests go round-robin over the instances). */
  private static Future<Answer> post(String auth, JsonObject body) {
    return post(preset, auth, body);
  }

  private static Future<Answer> post(Preset preset, String auth, JsonObject body) {
    HttpClientRequest request = open(preset, auth, body);
    return request.send(body.toBuffer()).compose(r -> r.body().map(b -> {
      List<JsonObject> messages = new ArrayList<>();
      if (String.valueOf(r.getHeader("Content-Type")).startsWith("text/event-stream")) {
        b.toString().lines().filter(l -> l.startsWith("data:")).forEach(l -> messages.add(new JsonObject(l.substring(5).trim())));
      } else {
        messages.add(new JsonObject(b.toString()));
      }
      return new Answer(messages);
    }));
  }

  private static int held() {
    int held = 0;
    for (GatewayVerticle instance : gw.instances) {
      held += instance.heldCalls().await();
    }
    return held;
  }

  private static JsonObject inputRequired(Answer answer) {
    JsonObject result = answer.result();
    assertThat(result.getString("resultType")).as(result.encode()).isEqualTo("input_required");
    assertThat(result.getString("requestState")).startsWith("mgw1.");
    assertThat(result.getJsonObject("inputRequests")).hasSize(1);
    return result;
  }

  private static String onlyKey(JsonObject inputRequired) {
    return inputRequired.getJsonObject("inputRequests").fieldNames().iterator().next();
  }

  private static JsonObject retry(JsonObject inputRequired, JsonObject answer) {
    return new JsonObject().put("requestState", inputRequired.getString("requestState"))
        .put("inputResponses", new JsonObject().put(onlyKey(inputRequired), answer));
  }

  private static JsonObject accepted(String name) {
    return new JsonObject().put("action", "accept").put("content", new JsonObject().put("name", name));
  }

  private static final JsonObject PARIS = new JsonObject().put("role", "assistant").put("model", "m1")
      .put("content", new JsonObject().put("type", "text").put("text", "Paris")).put("stopReason", "endTurn");

  @Test
  void an_elicitation_and_a_sampling_request_become_two_rounds_answered_upstream_across_instances() {
    JsonObject args = new JsonObject().put("message", "Who are you?").put("ms", 0);
    JsonObject first = inputRequired(post(alice, call("elicit_then_sample", args, null)).await());
    JsonObject elicitation = first.getJsonObject("inputRequests").getJsonObject(onlyKey(first));
    assertThat(elicitation.getString("method")).isEqualTo("elicitation/create");
    assertThat(elicitation.getJsonObject("params").getString("message")).isEqualTo("Who are you?");
    assertThat(held()).as("one instance holds the call").isEqualTo(1);

    // Fresh connections alternate over the two instances: one of the two retries lands where the call is not held.
    JsonObject second = inputRequired(post(alice, call("elicit_then_sample", args, retry(first, accepted("Ada")))).await());
    JsonObject sampling = second.getJsonObject("inputRequests").getJsonObject(onlyKey(second));
    assertThat(sampling.getString("method")).isEqualTo("sampling/createMessage");
    assertThat(second.getString("requestState")).isNotEqualTo(first.getString("requestState"));

    Answer done = post(alice, call("elicit_then_sample", args, retry(second, PARIS))).await();
    assertThat(done.text()).isEqualTo("held:elicited accept {name=Ada}, then sampled Paris by m1");
    assertThat(held()).isZero();
    // The upstream saw one tools/call: the gateway answered its requests on the call it held, never called again.
    assertThat(upstream.seen().stream().filter(s -> "tools/call".equals(s.jsonRpcMethod())
        && s.body().contains("Who are you?")).count()).isEqualTo(1);
  }

  @Test
  void each_caller_is_asked_only_about_its_own_call_and_cannot_answer_another_callers() {
    Future<Answer> forAlice = post(alice, call("elicit", new JsonObject().put("message", "for alice"), null));
    Future<Answer> forBob = post(bob, call("elicit", new JsonObject().put("message", "for bob"), null));
    Future<Answer> plain = post(bob, call("echo", new JsonObject().put("text", "meanwhile"), null));
    JsonObject a = inputRequired(forAlice.await());
    JsonObject b = inputRequired(forBob.await());
    assertThat(a.getJsonObject("inputRequests").getJsonObject(onlyKey(a)).getJsonObject("params").getString("message"))
        .isEqualTo("for alice");
    assertThat(b.getJsonObject("inputRequests").getJsonObject(onlyKey(b)).getJsonObject("params").getString("message"))
        .isEqualTo("for bob");
    assertThat(plain.await().text()).isEqualTo("held:echo: meanwhile");

    // Bob presenting Alice's state is refused, and Alice's call is still hers to answer.
    JsonObject stolen = post(bob, call("elicit", new JsonObject().put("message", "for alice"), retry(a, accepted("Mallory"))))
        .await().response();
    assertThat(stolen.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(stolen.getJsonObject("error").getString("message")).contains("belongs to another caller");

    assertThat(post(bob, call("elicit", new JsonObject().put("message", "for bob"), retry(b, accepted("Bob")))).await().text())
        .isEqualTo("held:elicited: accept {name=Bob}");
    assertThat(post(alice, call("elicit", new JsonObject().put("message", "for alice"), retry(a, accepted("Alice")))).await()
        .text()).isEqualTo("held:elicited: accept {name=Alice}");
  }

  @Test
  void a_forged_a_used_or_a_misplaced_state_is_refused_with_a_clear_error() {
    JsonObject args = new JsonObject().put("message", "once");
    JsonObject first = inputRequired(post(alice, call("elicit", args, null)).await());
    String state = first.getString("requestState");
    int at = "mgw1.".length() + 20;
    JsonObject forged = retry(first, accepted("x")).put("requestState", state.substring(0, at)
        + (state.charAt(at) == 'A' ? 'B' : 'A') + state.substring(at + 1));
    assertThat(error(post(alice, call("elicit", args, forged)).await())).contains("not issued by this gateway or was altered");
    assertThat(error(post(alice, call("echo", new JsonObject().put("text", "x"), retry(first, accepted("x")))).await()))
        .contains("belongs to another call");

    assertThat(post(alice, call("elicit", args, retry(first, accepted("Ada")))).await().text())
        .isEqualTo("held:elicited: accept {name=Ada}");
    assertThat(error(post(alice, call("elicit", args, retry(first, accepted("Ada")))).await()))
        .contains("no pending call for this requestState");
  }

  private static String error(Answer answer) {
    JsonObject error = answer.response().getJsonObject("error");
    assertThat(error).as(answer.response().encode()).isNotNull();
    assertThat(error.getInteger("code")).isEqualTo(-32602);
    return error.getString("message");
  }

  @Test
  void closing_the_retrys_stream_cancels_the_upstream_call() {
    JsonObject args = new JsonObject().put("message", "slowly").put("ms", 20_000);
    JsonObject first = inputRequired(post(alice, call("elicit_then_sample", args, null)).await());
    JsonObject body = call("elicit_then_sample", args, retry(first, accepted("Ada")));
    HttpClientRequest retry = open(alice, body);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    retry.send(body.toBuffer()).onFailure(ended::set);
    // The answer reached the upstream, which now works for 20 s before asking again.
    Eventually.await("the elicitation answer upstream", Duration.ofSeconds(10), () -> upstream.seen().stream()
        .anyMatch(s -> s.jsonRpcMethod() == null && s.body().contains("\"Ada\"")));
    retry.connection().close();
    Eventually.await("notifications/cancelled upstream", Duration.ofSeconds(10), () -> upstream.seen().stream()
        .anyMatch(s -> "notifications/cancelled".equals(s.jsonRpcMethod())));
    Eventually.await("the held call to be dropped", Duration.ofSeconds(10), () -> held() == 0);
  }

  @Test
  void progress_and_log_messages_of_a_call_that_may_ask_reach_the_caller() {
    JsonObject meta = new JsonObject().put("_meta", new JsonObject().put("progressToken", "p-1")
        .put("io.modelcontextprotocol/logLevel", "info"));
    Answer answer = post(alice, call("progress", new JsonObject().put("steps", 2), meta)).await();
    assertThat(answer.text()).isEqualTo("held:done 2");
    assertThat(answer.messages()).anyMatch(m -> "notifications/progress".equals(m.getString("method"))
        && "p-1".equals(m.getJsonObject("params").getString("progressToken")));
    assertThat(answer.messages()).anyMatch(m -> "notifications/message".equals(m.getString("method")));
  }

  @Test
  void two_calls_of_one_caller_at_once_over_stdio_are_each_asked_their_own_questions() {
    // stdio cannot tie an upstream request to a call: only an upstream session per call in flight keeps them apart.
    // Call A is answered once and asks again 8 s later, while call B of the same caller is waiting for its answer.
    JsonObject slow = new JsonObject().put("message", "first").put("ms", 8000);
    JsonObject a1 = inputRequired(post(stdioPreset, alice, call("elicit_then_sample", slow, null)).await());
    Future<Answer> retryA = post(stdioPreset, alice, call("elicit_then_sample", slow, retry(a1, accepted("A"))));
    JsonObject b1 = inputRequired(post(stdioPreset, alice, call("elicit", new JsonObject().put("message", "second"), null))
        .await());
    assertThat(b1.getJsonObject("inputRequests").getJsonObject(onlyKey(b1)).getJsonObject("params").getString("message"))
        .isEqualTo("second");
    JsonObject a2 = inputRequired(retryA.await());
    assertThat(a2.getJsonObject("inputRequests").getJsonObject(onlyKey(a2)).getString("method"))
        .isEqualTo("sampling/createMessage");
    assertThat(post(stdioPreset, alice, call("elicit", new JsonObject().put("message", "second"), retry(b1, accepted("B"))))
        .await().text()).isEqualTo("held-stdio:elicited: accept {name=B}");
    assertThat(post(stdioPreset, alice, call("elicit_then_sample", slow, retry(a2, PARIS))).await().text())
        .isEqualTo("held-stdio:elicited accept {name=A}, then sampled Paris by m1");
  }
}
