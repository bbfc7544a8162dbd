package io.mcpgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@code count} live 2025-era sessions on a preset (initialize, notifications/initialized, one
 * tools/call each), {@code parallel} at a time, and of those keeps {@code streams} GET streams open; then
 * prints one JSON line and waits {@code holdSeconds} (so the caller can read the gateway's RSS) before it
 * ends. Usage: {@code SessionsBench <url> <count> <streams> <holdSeconds> [parallel]}
 */
public final class SessionsBench {
  private SessionsBench() {}

  public static void main(String[] args) throws InterruptedException {
    String url = args[0];
    int count = Integer.parseInt(args[1]);
    int streams = Integer.parseInt(args[2]);
    int hold = Integer.parseInt(args[3]);
    int parallel = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(parallel));
    HttpClient streaming = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(Math.max(1, streams)));
    long started = System.nanoTime();
    List<String> ids = new ArrayList<>();
    int errors = 0;
    for (int done = 0; done < count; done += parallel) {
      List<Future<String>> batch = new ArrayList<>();
      for (int i = done; i < Math.min(count, done + parallel); i++) {
        batch.add(open(client, url, i));
      }
      for (Future<String> f : batch) {
        try {
          ids.add(f.await(60, java.util.concurrent.TimeUnit.SECONDS));
        } catch (Exception e) {
          if (errors++ < 5) {
            System.err.println("session failed: " + e);
          }
        }
      }
      if ((done / parallel) % 50 == 0) {
        System.err.println(ids.size() + " sessions open, " + errors + " errors");
      }
    }
    long openMs = (System.nanoTime() - started) / 1_000_000;
    int open = 0;
    for (int i = 0; i < Math.min(streams, ids.size()); i++) {
      String id = ids.get(i);
      int status = streaming.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
              .putHeader("Accept", "text/event-stream").putHeader("Mcp-Session-Id", id))
          .compose(r -> r.send()).map(r -> {
            r.handler(b -> { });
            return r.statusCode();
          }).await();
      if (status == 200) {
        open++;
      }
    }
    System.out.println(new JsonObject().put("sessions", ids.size()).put("errors", errors).put("getStreams", open)
        .put("openMs", openMs).put("sessionIdChars", ids.isEmpty() ? 0 : ids.get(0).length()).encode());
    Thread.sleep(hold * 1000L);
    vertx.close().await();
  }

  private static Future<String> open(HttpClient client, String url, int n) {
    JsonObject init = new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize").put("params",
        new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "sessions-bench").put("version", "1")));
    return post(client, url, null, init).compose(id -> post(client, url, id,
            new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized")).map(id))
        .compose(id -> post(client, url, id, new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
            .put("params", new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", "s" + n))))
            .map(id));
  }

  /** POSTs one message; the future carries the session id (from the answer's header or the one sent). */
  private static Future<String> post(HttpClient client, String url, String session, JsonObject body) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(30_000)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream");
    if (session != null) {
      o.putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25");
    }
    return client.request(o).compose(r -> r.send(body.toBuffer())).compose(resp -> resp.body().compose(b -> {
      if (resp.statusCode() >= 300) {
        return Future.failedFuture("HTTP " + resp.statusCode() + ": " + b);
      }
      String id = resp.getHeader("Mcp-Session-Id");
      return Future.succeededFuture(id != null ? id : session);
    }));
  }
}
