package io.mcpgateway.gateway.upstream;

import io.mcpgateway.testing.OnContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MCP client protocol of one connection against a scripted upstream: version negotiation, pagination,
 * server-to-client requests. (Real transports and servers are exercised in {@link UpstreamPoolTest}.)
 */
class McpClientConnectionTest {
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** An upstream that answers each request the gateway sends with {@code answer.apply(request)} (null: silence). */
  private static class ScriptedUpstream extends Transport {
    final List<JsonObject> sent = new CopyOnWriteArrayList<>();
    final Function<JsonObject, JsonObject> answer;
    boolean relates = true;

    ScriptedUpstream(Function<JsonObject, JsonObject> answer) {
      this.answer = answer;
    }

    void push(JsonObject fromServer) {
      inbound.message(fromServer, null);
    }

    /** A message on the stream of the gateway's request {@code related} (Streamable HTTP). */
    void push(JsonObject fromServer, Object related) {
      inbound.message(fromServer, related);
    }

    @Override
    boolean relatesMessages() {
      return relates;
    }

    long idOf(String method) {
      return sent.stream().filter(m -> method.equals(m.getString("method")) && m.containsKey("id"))
          .reduce((a, b) -> b).orElseThrow().getLong("id");
    }

    List<JsonObject> responses() {
      return sent.stream().filter(JsonRpc::isResponse).toList();
    }

    @Override
    Future<Void> open() {
      return Future.succeededFuture();
    }

    @Override
    Future<Void> send(JsonObject message) {
      sent.add(message);
      if (JsonRpc.isRequest(message)) {
        JsonObject reply = answer.apply(message);
        if (reply != null) {
          Vertx.currentContext().runOnContext(v -> inbound.message(reply, message.getValue("id")));
        }
      }
      return Future.succeededFuture();
    }

    @Override
    Future<Void> close() {
      return Future.succeededFuture();
    }

    @Override
    String describe() {
      return "scripted";
    }
  }

  private static JsonObject initializeResult(JsonObject request, String version) {
    return JsonRpc.result(request.getValue("id"), new JsonObject().put("protocolVersion", version)
        .put("capabilities", new JsonObject().put("tools", new JsonObject())).put("serverInfo", new JsonObject().put("name", "s")));
  }

  private <T> T await(Callable<Future<T>> op) {
    return OnContext.await(context, op);
  }

  @Test
  void the_client_offers_2025_11_25_and_accepts_an_older_version_the_server_answers_with() {
    var upstream = new ScriptedUpstream(req -> initializeResult(req, "2025-03-26"));
    var connection = new McpClientConnection(vertx, "old", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    assertThat(upstream.sent.get(0).getJsonObject("params").getString("protocolVersion")).isEqualTo("2025-11-25");
    assertThat(connection.protocolVersion()).isEqualTo("2025-03-26");
    assertThat(upstream.sent.get(1).getString("method")).isEqualTo("notifications/initialized");
  }

  @Test
  void a_modern_callers_tasks_extension_is_not_passed_to_the_server_the_gateway_cannot_follow_its_tasks() {
    var upstream = new ScriptedUpstream(req -> switch (req.getString("method")) {
      case "server/discover" -> JsonRpc.result(req.getValue("id"), new JsonObject()
          .put("supportedVersions", new JsonArray().add("2026-07-28")).put("capabilities", new JsonObject()));
      case "tools/call" -> JsonRpc.result(req.getValue("id"), new JsonObject().put("content", new JsonArray()));
      default -> null;
    }) {
      @Override
      boolean carriesModern() {
        return true;
      }
    };
    var connection = new McpClientConnection(vertx, "modern", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    JsonObject declared = new JsonObject().put("elicitation", new JsonObject()).put("extensions", new JsonObject()
        .put("io.modelcontextprotocol/tasks", new JsonObject()).put("example/other", new JsonObject()));
    await(() -> connection.request("tools/call", new JsonObject().put("name", "t").put("_meta", new JsonObject()
        .put("io.modelcontextprotocol/clientCapabilities", declared)), Duration.ofSeconds(2), null));
    JsonObject sent = upstream.sent.stream().filter(m -> "tools/call".equals(m.getString("method"))).findFirst().orElseThrow()
        .getJsonObject("params").getJsonObject("_meta").getJsonObject("io.modelcontextprotocol/clientCapabilities");
    assertThat(sent).isEqualTo(new JsonObject().put("elicitation", new JsonObject())
        .put("extensions", new JsonObject().put("example/other", new JsonObject())));
    JsonObject onlyTasks = new JsonObject().put("extensions", new JsonObject().put("io.modelcontextprotocol/tasks", new JsonObject()));
    assertThat(McpClientConnection.forwardedCapabilities(onlyTasks)).isEqualTo(new JsonObject());
  }

  @Test
  void a_server_answering_with_an_unknown_protocol_version_is_refused() {
    var upstream = new ScriptedUpstream(req -> initializeResult(req, "1999-01-01"));
    var connection = new McpClientConnection(vertx, "alien", upstream);
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> await(() -> connection.start(Duration.ofSeconds(2))));
    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(e.getMessage()).contains("alien").contains("1999-01-01");
  }

  @Test
  void tools_list_follows_next_cursor_through_every_page() {
    var upstream = new ScriptedUpstream(req -> switch (req.getString("method")) {
      case "initialize" -> initializeResult(req, "2025-11-25");
      case "tools/list" -> {
        String cursor = req.getJsonObject("params", new JsonObject()).getString("cursor");
        int page = cursor == null ? 0 : Integer.parseInt(cursor);
        var result = new JsonObject().put("tools", new JsonArray()
            .add(new JsonObject().put("name", "t" + page + "a")).add(new JsonObject().put("name", "t" + page + "b")));
        if (page < 2) {
          result.put("nextCursor", String.valueOf(page + 1));
        }
        yield JsonRpc.result(req.getValue("id"), result);
      }
      default -> null;
    });
    var connection = new McpClientConnection(vertx, "paged", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    List<JsonObject> tools = await(() -> connection.listTools(Duration.ofSeconds(2)));
    assertThat(tools).extracting(t -> t.getString("name")).containsExactly("t0a", "t0b", "t1a", "t1b", "t2a", "t2b");
  }

  @Test
  void requests_the_gateway_does_not_support_are_refused_with_method_not_found_and_ping_is_answered() {
    var upstream = new ScriptedUpstream(req -> "initialize".equals(req.getString("method")) ? initializeResult(req, "2025-11-25") : null);
    var connection = new McpClientConnection(vertx, "curious", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    await(() -> {
      upstream.push(JsonRpc.request("r1", "roots/list", null));
      upstream.push(JsonRpc.request("s1", "sampling/createMessage", new JsonObject()));
      upstream.push(JsonRpc.request("e1", "elicitation/create", new JsonObject()));
      upstream.push(JsonRpc.request("p1", "ping", null));
      return Future.succeededFuture();
    });
    List<JsonObject> replies = upstream.sent.stream().filter(JsonRpc::isResponse).toList();
    assertThat(replies).extracting(r -> r.getValue("id")).containsExactly("r1", "s1", "e1", "p1");
    assertThat(replies.subList(0, 3)).allSatisfy(r ->
        assertThat(r.getJsonObject("error").getInteger("code")).isEqualTo(JsonRpc.METHOD_NOT_FOUND));
    assertThat(replies.get(3).getJsonObject("result")).isEqualTo(new JsonObject());
  }

  @Test
  void each_request_on_a_connection_gets_its_own_id() {
    var upstream = new ScriptedUpstream(req -> "initialize".equals(req.getString("method"))
        ? initializeResult(req, "2025-11-25") : JsonRpc.result(req.getValue("id"), new JsonObject().put("tools", new JsonArray())));
    var connection = new McpClientConnection(vertx, "ids", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    await(() -> Future.all(connection.listTools(Duration.ofSeconds(2)), connection.listTools(Duration.ofSeconds(2)),
        connection.listTools(Duration.ofSeconds(2))));
    List<Object> ids = upstream.sent.stream().filter(JsonRpc::isRequest).map(m -> m.getValue("id")).toList();
    assertThat(ids).hasSize(4).doesNotHaveDuplicates();
  }

  @Test
  void urls_in_logs_and_errors_lose_credentials() {
    assertThat(Transport.redacted("https://user:pw@mcp.example.com:8443/mcp?api_key=s3cret"))
        .isEqualTo("https://mcp.example.com:8443/mcp");
  }

  /** A downstream client for the tests: its declared capabilities, and the requests that reached it. */
  private static final class FakeClient implements DownstreamClient {
    final JsonObject capabilities;
    final List<ServerRequest> requests = new CopyOnWriteArrayList<>();
    final List<JsonObject> notifications = new CopyOnWriteArrayList<>();

    FakeClient(JsonObject capabilities) {
      this.capabilities = capabilities;
    }

    @Override
    public String sessionId() {
      return "session-1";
    }

    @Override
    public JsonObject capabilities() {
      return capabilities;
    }

    @Override
    public Future<JsonObject> request(ServerRequest request) {
      requests.add(request);
      return Future.succeededFuture(new JsonObject().put("jsonrpc", "2.0").put("id", 500)
          .put("result", new JsonObject().put("roots", new JsonArray())));
    }

    @Override
    public void notification(JsonObject notification) {
      notifications.add(notification);
    }
  }

  /** A call's relay: records what reached it and answers requests with {@code answer} (null: never). */
  private static final class RecordingRelay implements CallRelay {
    final List<ServerRequest> requests = new CopyOnWriteArrayList<>();
    final List<JsonObject> notifications = new CopyOnWriteArrayList<>();
    final JsonObject answer;

    RecordingRelay(JsonObject answer) {
      this.answer = answer;
    }

    @Override
    public void notification(JsonObject notification) {
      notifications.add(notification);
    }

    @Override
    public Future<JsonObject> request(ServerRequest request) {
      requests.add(request);
      return answer == null ? io.vertx.core.Promise.<JsonObject>promise().future() : Future.succeededFuture(answer);
    }
  }

  private static ScriptedUpstream initializeOnly() {
    return new ScriptedUpstream(req -> "initialize".equals(req.getString("method")) ? initializeResult(req, "2025-11-25") : null);
  }

  @Test
  void a_connection_owned_by_one_client_declares_exactly_the_client_features_it_declared() {
    var upstream = initializeOnly();
    var client = new FakeClient(new JsonObject().put("sampling", new JsonObject())
        .put("elicitation", new JsonObject().put("form", new JsonObject()))
        .put("experimental", new JsonObject().put("x", new JsonObject())).put("tasks", new JsonObject()));
    var connection = new McpClientConnection(vertx, "owned", upstream, client);
    await(() -> connection.start(Duration.ofSeconds(2)));
    assertThat(upstream.sent.get(0).getJsonObject("params").getJsonObject("capabilities")).isEqualTo(new JsonObject()
        .put("sampling", new JsonObject()).put("elicitation", new JsonObject().put("form", new JsonObject())));
    var shared = initializeOnly();
    await(() -> new McpClientConnection(vertx, "shared", shared).start(Duration.ofSeconds(2)));
    assertThat(shared.sent.get(0).getJsonObject("params").getJsonObject("capabilities")).isEqualTo(new JsonObject());
  }

  @Test
  void a_request_raised_during_a_call_reaches_that_calls_relay_and_the_answer_goes_back_under_the_upstreams_id() {
    var upstream = initializeOnly();
    var client = new FakeClient(new JsonObject().put("sampling", new JsonObject()).put("elicitation", new JsonObject()));
    var connection = new McpClientConnection(vertx, "asking", upstream, client);
    await(() -> connection.start(Duration.ofSeconds(2)));
    var relay = new RecordingRelay(new JsonObject().put("jsonrpc", "2.0").put("id", 7)
        .put("result", new JsonObject().put("model", "m").put("role", "assistant")));
    await(() -> {
      connection.call("tools/call", new JsonObject().put("name", "t"), Duration.ofSeconds(5), relay);
      long call = upstream.idOf("tools/call");
      upstream.push(JsonRpc.request("s1", "sampling/createMessage", new JsonObject().put("maxTokens", 5)), call);
      upstream.push(JsonRpc.notification("notifications/message", new JsonObject().put("level", "info").put("data", "x")), call);
      // URL mode needs {"url": {}}; an empty elicitation capability means form only (client/elicitation §Capabilities)
      upstream.push(JsonRpc.request("e1", "elicitation/create", new JsonObject().put("mode", "url")
          .put("url", "https://example.com").put("elicitationId", "x").put("message", "m")), call);
      upstream.push(JsonRpc.request("r1", "roots/list", null), call);
      return Future.succeededFuture();
    });
    assertThat(relay.requests).extracting(ServerRequest::method).containsExactly("sampling/createMessage");
    assertThat(relay.requests.get(0).params().getInteger("maxTokens")).isEqualTo(5);
    assertThat(relay.notifications).hasSize(1);
    assertThat(client.requests).isEmpty();
    List<JsonObject> replies = upstream.responses();
    assertThat(replies).extracting(r -> r.getValue("id")).containsExactlyInAnyOrder("s1", "e1", "r1");
    JsonObject sampled = replies.stream().filter(r -> "s1".equals(r.getValue("id"))).findFirst().orElseThrow();
    assertThat(sampled.getJsonObject("result").getString("model")).isEqualTo("m");
    assertThat(replies).filteredOn(r -> !"s1".equals(r.getValue("id")))
        .allSatisfy(r -> assertThat(r.getJsonObject("error").getInteger("code")).isEqualTo(JsonRpc.METHOD_NOT_FOUND));
  }

  @Test
  void a_request_with_no_call_in_flight_goes_to_the_owning_session_and_a_client_error_is_relayed_as_sent() {
    var upstream = initializeOnly();
    var client = new FakeClient(new JsonObject().put("roots", new JsonObject().put("listChanged", true)));
    var connection = new McpClientConnection(vertx, "roots", upstream, client);
    await(() -> connection.start(Duration.ofSeconds(2)));
    await(() -> {
      upstream.push(JsonRpc.request(11, "roots/list", null));
      connection.rootsChanged();
      return Future.succeededFuture();
    });
    assertThat(client.requests).extracting(ServerRequest::method).containsExactly("roots/list");
    assertThat(upstream.responses()).singleElement().satisfies(r -> {
      assertThat(r.getValue("id")).isEqualTo(11);
      assertThat(r.getJsonObject("result").getJsonArray("roots")).isEmpty();
    });
    assertThat(upstream.sent).extracting(m -> m.getString("method")).contains("notifications/roots/list_changed");

    var relay = new RecordingRelay(new JsonObject().put("jsonrpc", "2.0").put("id", 3)
        .put("error", new JsonObject().put("code", -1).put("message", "User rejected sampling request")));
    var sampling = initializeOnly();
    var sampler = new McpClientConnection(vertx, "rejected", sampling, new FakeClient(new JsonObject().put("sampling", new JsonObject())));
    await(() -> sampler.start(Duration.ofSeconds(2)));
    await(() -> {
      sampler.call("tools/call", new JsonObject(), Duration.ofSeconds(5), relay);
      sampling.push(JsonRpc.request("s9", "sampling/createMessage", new JsonObject()), sampling.idOf("tools/call"));
      return Future.succeededFuture();
    });
    assertThat(sampling.responses()).singleElement().satisfies(r -> {
      assertThat(r.getValue("id")).isEqualTo("s9");
      assertThat(r.getJsonObject("error")).isEqualTo(new JsonObject().put("code", -1).put("message", "User rejected sampling request"));
    });
  }

  @Test
  void the_upstream_cancelling_its_request_reaches_the_relay_and_no_answer_is_sent() {
    var upstream = initializeOnly();
    var connection = new McpClientConnection(vertx, "impatient", upstream, new FakeClient(new JsonObject().put("sampling", new JsonObject())));
    await(() -> connection.start(Duration.ofSeconds(2)));
    var relay = new RecordingRelay(null);
    List<String> cancelled = new CopyOnWriteArrayList<>();
    await(() -> {
      connection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), relay);
      upstream.push(JsonRpc.request("s1", "sampling/createMessage", new JsonObject()), upstream.idOf("tools/call"));
      relay.requests.get(0).onCancel(cancelled::add);
      upstream.push(JsonRpc.notification("notifications/cancelled", new JsonObject().put("requestId", "s1").put("reason", "enough")));
      return Future.succeededFuture();
    });
    assertThat(cancelled).containsExactly("enough");
    assertThat(upstream.responses()).isEmpty();
  }

  @Test
  void unanswered_requests_to_the_client_are_bounded() {
    var upstream = initializeOnly();
    var connection = new McpClientConnection(vertx, "greedy", upstream, new FakeClient(new JsonObject().put("sampling", new JsonObject())));
    await(() -> connection.start(Duration.ofSeconds(2)));
    var relay = new RecordingRelay(null);
    await(() -> {
      connection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), relay);
      long call = upstream.idOf("tools/call");
      for (int i = 0; i <= McpClientConnection.MAX_SERVER_REQUESTS; i++) {
        upstream.push(JsonRpc.request("s" + i, "sampling/createMessage", new JsonObject()), call);
      }
      return Future.succeededFuture();
    });
    assertThat(relay.requests).hasSize(McpClientConnection.MAX_SERVER_REQUESTS);
    assertThat(upstream.responses()).singleElement().satisfies(r -> {
      assertThat(r.getValue("id")).isEqualTo("s" + McpClientConnection.MAX_SERVER_REQUESTS);
      assertThat(r.getJsonObject("error").getString("message")).contains("too many");
    });
  }

  @Test
  void over_a_transport_that_cannot_relate_messages_a_shared_connection_gives_a_log_only_to_a_sole_call_in_flight() {
    var upstream = initializeOnly();
    upstream.relates = false;
    var connection = new McpClientConnection(vertx, "stdio-like", upstream);
    await(() -> connection.start(Duration.ofSeconds(2)));
    List<JsonObject> first = new CopyOnWriteArrayList<>();
    List<JsonObject> second = new CopyOnWriteArrayList<>();
    JsonObject log = JsonRpc.notification("notifications/message", new JsonObject().put("level", "info").put("data", "d"));
    await(() -> {
      connection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), first::add);
      upstream.push(log);
      connection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), second::add);
      upstream.push(log);
      return Future.succeededFuture();
    });
    assertThat(first).hasSize(1);
    assertThat(second).isEmpty();
  }

  @Test
  void a_rebuilt_view_of_the_owning_session_receives_what_no_call_carries() {
    var upstream = initializeOnly();
    var stale = new FakeClient(new JsonObject().put("roots", new JsonObject()));
    var current = new FakeClient(new JsonObject().put("roots", new JsonObject()));
    var connection = new McpClientConnection(vertx, "rebuilt", upstream, stale);
    await(() -> connection.start(Duration.ofSeconds(2)));
    await(() -> {
      connection.owner(current);
      upstream.push(JsonRpc.request(1, "roots/list", null));
      return Future.succeededFuture();
    });
    assertThat(stale.requests).isEmpty();
    assertThat(current.requests).hasSize(1);
  }

  @Test
  void elicitation_complete_reaches_only_the_owning_client_on_its_call_or_its_session() {
    var upstream = initializeOnly();
    upstream.relates = false;
    var client = new FakeClient(new JsonObject().put("elicitation", new JsonObject().put("url", new JsonObject())));
    var connection = new McpClientConnection(vertx, "url-mode", upstream, client);
    await(() -> connection.start(Duration.ofSeconds(2)));
    JsonObject complete = JsonRpc.notification("notifications/elicitation/complete",
        new JsonObject().put("elicitationId", "e-1"));
    var relay = new RecordingRelay(null);
    await(() -> {
      upstream.push(complete);
      connection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), relay);
      upstream.push(complete);
      return Future.succeededFuture();
    });
    assertThat(client.notifications).containsExactly(complete);
    assertThat(relay.notifications).containsExactly(complete);
    var shared = initializeOnly();
    var sharedConnection = new McpClientConnection(vertx, "shared-url", shared);
    List<JsonObject> caller = new CopyOnWriteArrayList<>();
    await(() -> sharedConnection.start(Duration.ofSeconds(2)));
    await(() -> {
      sharedConnection.call("tools/call", new JsonObject(), Duration.ofSeconds(5), caller::add);
      shared.push(complete);
      return Future.succeededFuture();
    });
    // Over Streamable HTTP an unrelated message on a shared connection belongs to no caller.
    assertThat(caller).isEmpty();
  }
}
