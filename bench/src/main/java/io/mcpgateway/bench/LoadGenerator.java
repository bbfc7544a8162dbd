package io.mcpgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: {@code concurrency} workers, each on its own MCP session, call {@code tools/call echo}
 * back to back for {@code seconds} after a warm-up; prints throughput and latency percentiles as one line
 * of JSON. Usage: {@code LoadGenerator <url> <concurrency> <seconds> [bearer|-] [callUrls]}: sessions are opened
 * on {@code url}; with {@code callUrls} (comma-separated) each worker's calls go round-robin over those URLs
 * instead (two nodes with no affinity; or sessions opened on node A and used through node B). Each worker presents
 * a client address of its own in {@code X-Forwarded-For} (10.77.x.y), as many clients behind a load balancer do: a
 * gateway started with {@code MGW_TRUSTED_PROXIES=127.0.0.1} then applies its per-caller limits (sessions, rate at
 * most 1,000,000 calls per minute) per worker rather than to the whole load as one caller.
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  public static void main(String[] args) {
    String url = args[0];
    int concurrency = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    String bearer = args.length > 3 && !"-".equals(args[3]) ? args[3] : null;
    String[] callUrls = args.length > 4 ? args[4].split(",") : new String[] {url};
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
    List<Future<String>> sessions = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      sessions.add(initialize(client, url, bearer, i));
    }
    List<String> ids = Future.all(sessions).await().list();
    run(vertx, client, callUrls, bearer, ids, 2);
    long[][] recorded = run(vertx, client, callUrls, bearer, ids, seconds);
    long[] all = Arrays.stream(recorded).flatMapToLong(Arrays::stream).sorted().toArray();
    double throughput = all.length / (double) seconds;
    System.out.println(new JsonObject().put("url", url).put("concurrency", concurrency).put("seconds", seconds)
        .put("calls", all.length).put("errors", ERRORS.get()).put("throughput", Math.round(throughput))
        .put("p50_ms", pct(all, 0.50)).put("p99_ms", pct(all, 0.99)).encode());
    // End the sessions (DELETE), as a client should: the gateway caps the sessions one caller holds.
    List<Future<?>> ended = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) != null) {
        // Bounded: a target that ignores DELETE (the bare forwarder relays POSTs only) must not hold the run.
        ended.add(client.request(new RequestOptions().setMethod(HttpMethod.DELETE).setAbsoluteURI(url).setTimeout(2000)
            .putHeader("Mcp-Session-Id", ids.get(i)).putHeader("MCP-Protocol-Version", "2025-11-25")
            .putHeader("X-Forwarded-For", clientAddress(i)))
            .compose(req -> req.send()).compose(resp -> resp.body()));
      }
    }
    Future.join(ended).otherwiseEmpty().await();
    vertx.close().await();
  }

  static final AtomicLong ERRORS = new AtomicLong();

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    return Math.round(sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 10_000.0) / 100.0;
  }

  static long[][] run(Vertx vertx, HttpClient client, String[] urls, String bearer, List<String> sessions, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<long[]>> workers = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      String session = sessions.get(i);
      int worker = i;
      Promise<long[]> done = Promise.promise();
      List<Long> latencies = new ArrayList<>();
      vertx.runOnContext(v -> loop(client, urls, 0, bearer, session, worker, end, latencies, done));
      workers.add(done.future());
    }
    return Future.all(workers).await().<long[]>list().toArray(new long[0][]);
  }

  private static void loop(HttpClient client, String[] urls, int n, String bearer, String session, int worker, long end,
      List<Long> latencies, Promise<long[]> done) {
    String url = urls[n % urls.length];
    if (System.nanoTime() > end) {
      done.complete(latencies.stream().mapToLong(Long::longValue).toArray());
      return;
    }
    long start = System.nanoTime();
    JsonObject call = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
        .put("params", new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("text", "hello")));
    post(client, url, bearer, session, worker, call).onComplete(ar -> {
      if (ar.succeeded() && ar.result().containsKey("result")) {
        latencies.add(System.nanoTime() - start);
      } else {
        ERRORS.incrementAndGet();
      }
      loop(client, urls, n + 1, bearer, session, worker, end, latencies, done);
    });
  }

  static Future<String> initialize(HttpClient client, String url, String bearer, int worker) {
    JsonObject init = new JsonObject().put("jsonrpc", "2.0").put("id", 0).put("method", "initialize").put("params",
        new JsonObject().put("protocolVersion", "2025-11-25").put("capabilities", new JsonObject())
            .put("clientInfo", new JsonObject().put("name", "bench").put("version", "1")));
    return client.request(options(url, bearer, null, worker)).compose(req -> req.send(init.toBuffer())).compose(resp -> {
      String session = resp.getHeader("Mcp-Session-Id");
      return resp.body().compose(b -> post(client, url, bearer, session, worker,
          new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"))
          .map(x -> session));
    });
  }

  private static Future<JsonObject> post(HttpClient client, String url, String bearer, String session, int worker,
      JsonObject body) {
    return client.request(options(url, bearer, session, worker)).compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> b.length() == 0 ? new JsonObject() : parse(b)));
  }

  private static JsonObject parse(Buffer b) {
    String s = b.toString();
    if (!s.startsWith("{")) { // an SSE reply: the response is its last event with data (a priming event has none)
      s = s.lines().filter(l -> l.startsWith("data:") && !l.substring(5).isBlank()).reduce((x, y) -> y)
          .map(l -> l.substring(5).trim()).orElse("{}");
    }
    return new JsonObject(s);
  }

  /** The client address worker {@code worker} presents (X-Forwarded-For). */
  static String clientAddress(int worker) {
    return "10.77." + (worker / 250) + "." + (worker % 250 + 1);
  }

  private static RequestOptions options(String url, String bearer, String session, int worker) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream")
        .putHeader("X-Forwarded-For", clientAddress(worker));
    if (session != null) {
      o.putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25");
    }
    if (bearer != null) {
      o.putHeader("Authorization", "Bearer " + bearer);
    }
    return o;
  }
}
