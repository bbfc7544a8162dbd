package io.mcpgateway.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A caller that does not read its stream is not buffered without bound: notifications are dropped, the reply is not. */
class ReplyChannelTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void notifications_for_a_caller_that_does_not_read_are_dropped_and_the_response_still_arrives() {
    Promise<Long> dropped = Promise.promise();
    String megabyte = "n".repeat(1024 * 1024);
    Router router = Router.router(vertx);
    router.post("/mcp").handler(ctx -> {
      ReplyChannel reply = new ReplyChannel(ctx, true, true);
      for (int i = 0; i < 200; i++) { // 200 MB of progress, faster than any caller reads
        reply.notify(new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/progress")
            .put("params", new JsonObject().put("progressToken", 1).put("progress", i).put("message", megabyte)));
      }
      reply.reply(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("result", new JsonObject().put("done", true)));
      dropped.complete(reply.dropped());
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();

    // A raw client that sends the request and reads nothing until the server has finished writing.
    NetSocket socket = vertx.createNetClient().connect(server.actualPort(), "127.0.0.1").await();
    Buffer received = Buffer.buffer();
    socket.pause();
    socket.handler(received::appendBuffer);
    socket.write("POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nAccept: text/event-stream\r\n\r\n{}");
    long n = dropped.future().await();
    assertThat(n).as("notifications dropped").isGreaterThan(150);
    socket.resume();
    io.mcpgateway.testing.Eventually.await("the response", Duration.ofSeconds(10),
        () -> received.toString().contains("\"done\":true"));
  }
}
