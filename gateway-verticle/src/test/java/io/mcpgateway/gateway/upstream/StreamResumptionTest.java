package io.mcpgateway.gateway.upstream;

import io.mcpgateway.testing.OnContext;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
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

/**
 * An upstream that closes a tool call's SSE stream before answering (MCP 2025-11-25 transports, SSE polling):
 * the gateway waits the {@code retry} it was given and resumes with GET + {@code Last-Event-ID}.
 */
class StreamResumptionTest {
  private Vertx vertx;
  private Context context;
  private HttpServer server;
  private final List<Map<String, String>> resumeHeaders = new CopyOnWriteArrayList<>();
  private volatile Object pendingCallId;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void handle(HttpServerRequest req) {
    switch (req.method().name()) {
      case "POST" -> req.body().onSuccess(body -> {
        JsonObject m = body.toJsonObject();
        String method = m.getString("method", "");
        if (method.equals("initialize")) {
          req.response().putHeader("Content-Type", "application/json").putHeader("Mcp-Session-Id", "sess-1")
              .end(JsonRpc.result(m.getValue("id"), new JsonObject().put("protocolVersion", "2025-11-25")
                  .put("capabilities", new JsonObject().put("tools", new JsonObject()))
                  .put("serverInfo", new JsonObject().put("name", "poller"))).encode());
        } else if (method.equals("tools/call")) {
          pendingCallId = m.getValue("id");
          // prime the client with an event id, ask for a 50 ms retry, then drop the connection unanswered
          req.response().putHeader("Content-Type", "text/event-stream").setChunked(true)
              .end("id: ev-1\ndata:\n\nretry: 50\n\n");
        } else {
          req.response().setStatusCode(202).end();
        }
      });
      case "GET" -> {
        String last = req.getHeader("Last-Event-ID");
        if (last == null) {
          req.response().setStatusCode(405).end();
          return;
        }
        resumeHeaders.add(Map.of("Last-Event-ID", last, "Mcp-Session-Id", String.valueOf(req.getHeader("Mcp-Session-Id")),
            "MCP-Protocol-Version", String.valueOf(req.getHeader("MCP-Protocol-Version"))));
        JsonObject answer = JsonRpc.result(pendingCallId, new JsonObject().put("content",
            new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "text").put("text", "resumed"))));
        req.response().putHeader("Content-Type", "text/event-stream").setChunked(true)
            .end("id: ev-2\ndata: " + answer.encode() + "\n\n");
      }
      default -> req.response().setStatusCode(200).end();
    }
  }

  private <T> T await(Callable<Future<T>> op) {
    return OnContext.await(context, op);
  }

  @Test
  void a_tool_call_whose_stream_the_server_closes_early_is_resumed_with_last_event_id() {
    UpstreamPool pool = await(() -> Future.succeededFuture(new UpstreamPool(vertx, new UpstreamPool.Settings(
        Duration.ofSeconds(5), Duration.ofSeconds(5), 5, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMillis(100)), null)));
    UpstreamServer s = new UpstreamServer(UUID.randomUUID(), "poller", "poller", null, Transport.STREAMABLE_HTTP,
        "http://127.0.0.1:" + server.actualPort() + "/mcp", null, List.of(), UpstreamSecrets.NONE, UUID.randomUUID(),
        ServerStatus.ACTIVE, Optional.empty(), Instant.EPOCH, Instant.EPOCH);
    JsonObject result = await(() -> pool.callTool(s, "anything", new JsonObject(), null, n -> { }).result());
    assertThat(result.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("resumed");
    assertThat(resumeHeaders).containsExactly(Map.of("Last-Event-ID", "ev-1", "Mcp-Session-Id", "sess-1",
        "MCP-Protocol-Version", "2025-11-25"));
    await(pool::close);
  }
}
