package io.mcpgateway.metrics;

import io.mcpgateway.metrics.ingest.MetricsBuffer;
import io.mcpgateway.metrics.ingest.MetricsIngestion;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Not a test: measures how many tool-call events per second the ingestion path (event bus → buffer → batched
 * INSERT) sustains into the local PostgreSQL, and what one "record" costs the sender. Run with
 * {@code mvn -pl metrics-verticle -am test-compile exec:java}-style classpaths; results in docs/PERFORMANCE.md.
 */
public final class IngestionBenchmark {
  private IngestionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Vertx vertx = Vertx.vertx();
    String schema = TestServices.freshSchema("ingestion_bench");
    PgSettings pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 8, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    var pool = Database.pool(vertx, pg);
    MetricsIngestion[] ingestion = new MetricsIngestion[1];
    var buffer = new MetricsBuffer(1_000_000);
    vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> start() {
        ingestion[0] = new MetricsIngestion(vertx, pool, buffer, 500, 200);
        vertx.eventBus().<JsonObject>consumer(Addresses.TOOL_CALL_RECORDED, m -> ingestion[0].accept(ToolCallRecorded.fromJson(m.body())));
        return io.vertx.core.Future.succeededFuture();
      }
    }).await();
    UUID preset = UUID.randomUUID();
    UUID server = UUID.randomUUID();
    long sendStart = System.nanoTime();
    for (int i = 0; i < total; i++) {
      vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED,
          new ToolCallRecorded(preset, server, "echo", "anon", i % 10 != 0, i % 100, i % 10 != 0 ? null : "timeout: slow", Instant.now()).toJson());
    }
    long sendNanos = System.nanoTime() - sendStart;
    long start = System.nanoTime();
    while (true) {
      long n = pool.query("SELECT count(*) AS n FROM tool_call_metrics").execute().await().iterator().next().getLong("n");
      if (n >= total) {
        break;
      }
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - sendStart) / 1e9;
    System.out.printf("events=%d sent in %.2f s (%.2f µs per send), all written after %.2f s: %.0f events/s, dropped=%d%n",
        total, sendNanos / 1e9, sendNanos / 1e3 / total, seconds, total / seconds, buffer.dropped());
    vertx.close().await();
    TestServices.dropSchema(schema);
  }
}
