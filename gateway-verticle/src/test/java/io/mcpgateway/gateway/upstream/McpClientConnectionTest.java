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
  private static final class ScriptedUpstream extends Transport {
    final List<JsonObject> sent = new CopyOnWriteArrayList<>();
    final Function<JsonObject, JsonObject> answer;

    ScriptedUpstream(Function<JsonObject, JsonObject> answer) {
      this.answer = answer;
    }

    void push(JsonObject fromServer) {
      inbound.message(fromServer, null);
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
}
