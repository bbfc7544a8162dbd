package io.mcpgateway.gateway;

import io.mcpgateway.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw HTTP against {@code /mcp/{slug}} for tests of the gateway's own SSE streams: each exchange on a fresh
 * connection (so, with several gateway instances, consecutive exchanges land on different ones), its body read as
 * it arrives and parsed into SSE events.
 */
final class SseClient {
  /** One SSE event as the client sees it (null fields: absent). */
  record Event(String id, String data, Integer retry) {
    /** The stream part of a gateway event id ({@code instance.stream}), without the sequence number. */
    String stream() {
      return id.substring(0, id.lastIndexOf('.'));
    }

    long seq() {
      return Long.parseLong(id.substring(id.lastIndexOf('.') + 1));
    }

    JsonObject message() {
      return new JsonObject(data);
    }
  }

  /** An HTTP exchange whose body is still arriving. */
  static final class Exchange {
    final HttpClientResponse response;
    private final StringBuilder body = new StringBuilder();
    private volatile boolean ended;

    private Exchange(HttpClientResponse response) {
      this.response = response;
      response.handler(b -> {
        synchronized (body) {
          body.append(b.toString());
        }
      });
      response.endHandler(v -> ended = true);
      response.exceptionHandler(e -> ended = true);
    }

    int status() {
      return response.statusCode();
    }

    String body() {
      synchronized (body) {
        return body.toString();
      }
    }

    /** The complete events received so far, comments left out. */
    List<Event> events() {
      List<Event> events = new ArrayList<>();
      String text = body();
      int end = text.lastIndexOf("\n\n");
      if (end < 0) {
        return events;
      }
      for (String block : text.substring(0, end).split("\n\n")) {
        String id = null;
        StringBuilder data = null;
        Integer retry = null;
        for (String line : block.split("\n")) {
          String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).replaceFirst("^ ", "") : "";
          if (line.startsWith("id:")) {
            id = value;
          } else if (line.startsWith("data:")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          } else if (line.startsWith("retry:")) {
            retry = Integer.valueOf(value.trim());
          }
        }
        if (id != null || data != null || retry != null) {
          events.add(new Event(id, data == null ? null : data.toString(), retry));
        }
      }
      return events;
    }

    boolean ended() {
      return ended;
    }

    Exchange awaitEnd() {
      Eventually.await("the end of the response", Duration.ofSeconds(30), this::ended);
      return this;
    }

    Exchange awaitEvents(int n) {
      Eventually.await(n + " events", Duration.ofSeconds(30), () -> events().size() >= n);
      return this;
    }

    /** The client loses the connection (closes it), as a network failure would. */
    void drop() {
      response.request().connection().close().await();
    }
  }

  private final Vertx vertx;
  private final int port;
  private final String path;

  SseClient(Vertx vertx, int port, String path) {
    this.vertx = vertx;
    this.port = port;
    this.path = path;
  }

  /** POSTs a message preferring SSE ({@code Accept: text/event-stream, application/json}). */
  Exchange post(String session, JsonObject message) {
    return exchange(HttpMethod.POST, session, null, message);
  }

  /** A GET (the session's stream), resuming from {@code lastEventId} when not null. */
  Exchange get(String session, String lastEventId) {
    return exchange(HttpMethod.GET, session, lastEventId, null);
  }

  /** {@code initialize} at {@code version}; the session id. */
  String initialize(String version) {
    Exchange init = post(null, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
        .put("params", new JsonObject().put("protocolVersion", version)
            .put("clientInfo", new JsonObject().put("name", "sse-test").put("version", "1"))
            .put("capabilities", new JsonObject()))).awaitEnd();
    return init.response.getHeader("Mcp-Session-Id");
  }

  private Exchange exchange(HttpMethod method, String session, String lastEventId, JsonObject body) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Accept", method == HttpMethod.GET ? "text/event-stream" : "text/event-stream, application/json")
        .putHeader("Content-Type", "application/json");
    if (session != null) {
      options.putHeader("Mcp-Session-Id", session);
    }
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return client.request(options)
        .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
        .map(Exchange::new).await();
  }

  static JsonObject call(int id, String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments)
            .put("_meta", new JsonObject().put("progressToken", "p" + id)));
  }
}
