package io.mcpgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Targets measured in turn by one warm load generator: each target gets its sessions and a warm-up, then
 * {@code rounds} rounds run each target for {@code seconds}, one after the other, so slow drifts of the machine
 * (other processes, CPU frequency, a JIT still compiling) hit every target alike; the load generator's own JIT is
 * settled before the first measured round. Prints one JSON line per target and round (calls/s, p50/p99, CPU µs
 * per call of the target's process from {@code /proc/<pid>/stat}) and then the median round of each target.
 * Usage: {@code Alternating <concurrency> <seconds> <rounds> <warmupSeconds> <name>=<url>=<pid>...}
 */
public final class Alternating {
  private Alternating() {}

  record Target(String name, String url, long pid, List<String> sessions) {}

  public static void main(String[] args) throws IOException {
    int concurrency = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(concurrency * (args.length - 4)));
    List<Target> targets = new ArrayList<>();
    for (String spec : Arrays.asList(args).subList(4, args.length)) {
      String[] parts = spec.split("=", 3);
      List<Future<String>> sessions = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        sessions.add(LoadGenerator.initialize(client, parts[1], null, i));
      }
      Target t = new Target(parts[0], parts[1], Long.parseLong(parts[2]), Future.all(sessions).await().list());
      targets.add(t);
      LoadGenerator.run(vertx, client, new String[] {t.url()}, null, t.sessions(), warmup);
    }
    Map<String, List<JsonObject>> byTarget = new LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      for (Target t : targets) {
        long errorsBefore = LoadGenerator.ERRORS.get();
        long ticksBefore = ticks(t.pid());
        long[][] recorded = LoadGenerator.run(vertx, client, new String[] {t.url()}, null, t.sessions(), seconds);
        long ticks = ticks(t.pid()) - ticksBefore;
        long[] all = Arrays.stream(recorded).flatMapToLong(Arrays::stream).sorted().toArray();
        JsonObject row = new JsonObject().put("target", t.name()).put("round", r).put("concurrency", concurrency)
            .put("calls", all.length).put("throughput", Math.round(all.length / (double) seconds))
            .put("p50_ms", LoadGenerator.pct(all, 0.50)).put("p99_ms", LoadGenerator.pct(all, 0.99))
            .put("cpu_us_per_call", all.length == 0 ? -1 : ticks * 10_000 / all.length)
            .put("errors", LoadGenerator.ERRORS.get() - errorsBefore);
        System.out.println(row.encode());
        byTarget.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(row);
      }
    }
    byTarget.forEach((name, rows) -> {
      List<JsonObject> sorted = rows.stream().sorted((a, b) -> Long.compare(a.getLong("throughput"), b.getLong("throughput"))).toList();
      System.out.println(sorted.get(sorted.size() / 2).copy().put("round", "median").encode());
    });
    vertx.close().await();
  }

  /** User + system CPU of a process so far, in 1/100 s (fields 14 and 15 of /proc/<pid>/stat). */
  private static long ticks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
