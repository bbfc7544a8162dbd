package io.mcpgateway.model.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A listener behind {@link ConnectionGuard} against slow and idle peers, over raw TCP sockets. */
class ConnectionGuardTest {
  private static Vertx vertx;
  private static ConnectionGuard guard;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var limits = new ConnectionGuard.Limits(Duration.ofMillis(600), Duration.ofMillis(900), Duration.ofMillis(800), 20);
    guard = new ConnectionGuard(vertx, "test", limits);
    HttpServer server = io.vertx.core.Future.<HttpServer>future(p -> vertx.runOnContext(v ->
        guard.listen(new HttpServerOptions().setHost("127.0.0.1").setPort(0), request -> {
          if (request.path().equals("/slow")) {
            // A response that takes longer than every timeout: a request in progress is never cut.
            vertx.setTimer(2000, t -> request.response().end("slow done"));
          } else {
            request.body().onSuccess(b -> request.response().end("ok " + b.length()));
          }
        }).onComplete(p))).await();
    port = server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /**
   * How long a close after a sub-second timeout may take to be seen: generous, since without the timeouts the
   * connection stays open for good, and a loaded CI machine can hold an event loop up for seconds (the 3-4 s
   * bounds used before failed that way).
   */
  private static final long CLOSED_WITHIN_MS = 15_000;

  /** Reads until the server closes the connection; returns what it sent and how long the close took. */
  private static String readUntilClosed(Socket socket, long withinMs) throws Exception {
    socket.setSoTimeout((int) withinMs);
    InputStream in = socket.getInputStream();
    StringBuilder got = new StringBuilder();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + withinMs + " ms; got: " + got);
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
    return got.toString();
  }

  @Test
  void a_request_head_sent_one_byte_at_a_time_is_cut_at_the_header_timeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      long begin = System.nanoTime();
      byte[] head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      boolean cut = false;
      for (int i = 0; i < 60 && !cut; i++) {
        try {
          out.write(head[i % head.length]);
          out.flush();
          Thread.sleep(100); // the peer under test is slow on purpose; nothing async is awaited here
          s.setSoTimeout(1);
          cut = s.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
          // not closed yet
        } catch (java.io.IOException closed) {
          cut = true;
        }
      }
      long ms = Duration.ofNanos(System.nanoTime() - begin).toMillis();
      assertThat(cut).as("connection closed").isTrue();
      assertThat(ms).isBetween(500L, 3000L);
    }
  }

  @Test
  void a_connection_that_sends_nothing_is_closed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      assertThat(readUntilClosed(s, CLOSED_WITHIN_MS)).isEmpty();
    }
  }

  @Test
  void a_kept_alive_connection_is_closed_after_the_idle_timeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntilClosed(s, CLOSED_WITHIN_MS)).startsWith("HTTP/1.1 200").contains("ok 0");
    }
  }

  @Test
  void a_body_that_trickles_is_answered_408_and_closed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readUntilClosed(s, CLOSED_WITHIN_MS)).startsWith("HTTP/1.1 408").contains("did not arrive");
    }
  }

  @Test
  void a_slow_response_is_not_cut_by_the_timeouts() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntilClosed(s, 6000)).startsWith("HTTP/1.1 200").contains("slow done");
    }
  }

  @Test
  void connections_beyond_the_cap_are_closed_on_arrival() throws Exception {
    java.util.List<Socket> held = new java.util.ArrayList<>();
    // Read before connecting: the refusals happen on the event loop while the sockets are still being opened.
    long before = guard.refused();
    try {
      for (int i = 0; i < 25; i++) {
        held.add(new Socket("127.0.0.1", port));
      }
      // (the header timeout then closes the 20 held ones too)
      io.mcpgateway.testing.Eventually.await("the 5 beyond the cap refused", Duration.ofSeconds(5),
          () -> guard.refused() - before >= 5);
      assertThat(guard.open()).isLessThanOrEqualTo(20);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
