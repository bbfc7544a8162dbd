package io.mcpgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.metrics.ingest.MetricsBuffer;
import io.mcpgateway.metrics.ingest.MetricsIngestion;
import io.mcpgateway.metrics.partition.PartitionMaintenance;
import io.mcpgateway.metrics.stats.PresetStats;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.OnContext;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsPipelineTest {
  private static Vertx vertx;
  private static PgSettings pg;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    String schema = TestServices.freshSchema("metrics");
    pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    pool = Database.pool(vertx, pg);
    GatewayConfig config = ConfigLoader.load(vertx, new JsonObject().put("MGW_METRICS_PORT", "0").put("MGW_HTTP_HOST", "127.0.0.1")
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)).await();
    vertx.deployVerticle(new MetricsVerticle(new NodeSettings(config, pg, SecretBox.fromBase64(SecretBox.generateKey())))).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestServices.dropSchema(pg.schema());
  }

  private static long count(UUID preset) {
    return pool.preparedQuery("SELECT count(*) AS n FROM tool_call_metrics WHERE preset_id = $1").execute(Tuple.of(preset))
        .await().iterator().next().getLong("n");
  }

  private static ToolCallRecorded event(UUID preset, String tool, boolean ok, long latency, Instant at) {
    return new ToolCallRecorded(preset, UUID.randomUUID(), tool, "p1", ok, latency, ok ? null : "timeout: too slow", at);
  }

  @Test
  void tool_call_events_on_the_bus_land_in_the_partitioned_table() {
    UUID preset = UUID.randomUUID();
    for (int i = 0; i < 1200; i++) {
      vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED, event(preset, "echo", true, i % 50, Instant.now()).toJson());
    }
    Eventually.await("1200 rows", Duration.ofSeconds(10), () -> count(preset) == 1200);
  }

  @Test
  void the_buffer_is_bounded_and_drops_the_oldest() {
    var buffer = new MetricsBuffer(3);
    UUID p = UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      buffer.add(event(p, "t" + i, true, i, Instant.now()));
    }
    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.dropped()).isEqualTo(2);
    List<ToolCallRecorded> batch = buffer.take(2);
    assertThat(batch).extracting(ToolCallRecorded::tool).containsExactly("t2", "t3");
    buffer.add(event(p, "t5", true, 5, Instant.now()));
    buffer.add(event(p, "t6", true, 6, Instant.now()));
    // Full again: the put-back events are the oldest, so they are the ones dropped.
    buffer.putBack(batch);
    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.dropped()).isEqualTo(4);
    assertThat(buffer.take(3)).extracting(ToolCallRecorded::tool).containsExactly("t4", "t5", "t6");
    buffer.putBack(List.of(event(p, "retry", true, 1, Instant.now())));
    assertThat(buffer.take(1)).extracting(ToolCallRecorded::tool).containsExactly("retry");
  }

  @Test
  void events_that_cannot_be_written_are_kept_and_written_when_the_table_is_back() {
    String schema = TestServices.freshSchema("metrics_outage");
    PgSettings own = pg.withSchema(schema);
    SchemaMigrator.migrate(own);
    Pool ownPool = Database.pool(vertx, own);
    try {
      var buffer = new MetricsBuffer(1000);
      MetricsIngestion[] holder = new MetricsIngestion[1];
      vertx.runOnContext(v -> holder[0] = new MetricsIngestion(vertx, ownPool, buffer, 10, 100));
      Eventually.await("ingestion created", Duration.ofSeconds(5), () -> holder[0] != null);
      ownPool.query("ALTER TABLE tool_call_metrics RENAME TO tool_call_metrics_away").execute().await();
      UUID preset = UUID.randomUUID();
      vertx.runOnContext(v -> {
        for (int i = 0; i < 25; i++) {
          holder[0].accept(event(preset, "echo", true, 1, Instant.now()));
        }
      });
      Eventually.await("a failed write to be retried", Duration.ofSeconds(5), () -> buffer.size() == 25);
      assertThat(buffer.dropped()).isZero();
      ownPool.query("ALTER TABLE tool_call_metrics_away RENAME TO tool_call_metrics").execute().await();
      Eventually.await("the kept events to be written", Duration.ofSeconds(10), () -> ownPool
          .preparedQuery("SELECT count(*) AS n FROM tool_call_metrics WHERE preset_id = $1").execute(Tuple.of(preset))
          .await().iterator().next().getLong("n") == 25);
    } finally {
      ownPool.close().await();
      TestServices.dropSchema(schema);
    }
  }

  /** An ingestion on its own schema, created on a Vert.x context (it sets a timer). */
  private record Own(String schema, Pool pool, MetricsBuffer buffer, MetricsIngestion ingestion, io.vertx.core.Context context)
      implements AutoCloseable {
    static Own create(int capacity, int batchSize, long flushEveryMs) {
      String schema = TestServices.freshSchema("metrics_own");
      PgSettings own = pg.withSchema(schema);
      SchemaMigrator.migrate(own);
      Pool ownPool = Database.pool(vertx, own);
      var buffer = new MetricsBuffer(capacity);
      var context = vertx.getOrCreateContext();
      var ingestion = OnContext.call(context, () -> new MetricsIngestion(vertx, ownPool, buffer, batchSize, flushEveryMs));
      return new Own(schema, ownPool, buffer, ingestion, context);
    }

    long rows(UUID preset) {
      return pool.preparedQuery("SELECT count(*) AS n FROM tool_call_metrics WHERE preset_id = $1").execute(Tuple.of(preset))
          .await().iterator().next().getLong("n");
    }

    void accept(List<ToolCallRecorded> events) {
      OnContext.call(context, () -> {
        events.forEach(ingestion::accept);
        return null;
      });
    }

    @Override
    public void close() {
      pool.close().await();
      TestServices.dropSchema(schema);
    }
  }

  @Test
  void a_nul_character_in_an_upstream_error_does_not_stall_the_batch() {
    try (Own own = Own.create(1000, 10, 100)) {
      UUID preset = UUID.randomUUID();
      List<ToolCallRecorded> events = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        events.add(i == 3
            ? new ToolCallRecorded(preset, UUID.randomUUID(), "to\u0000ol", "p\u0000", false, 1, "rpc -1: bad\u0000byte", Instant.now())
            : event(preset, "echo", true, 1, Instant.now()));
      }
      own.accept(events);
      Eventually.await("all 30 rows, the NUL one cleaned", Duration.ofSeconds(10), () -> own.rows(preset) == 30);
      String message = own.pool().preparedQuery("SELECT error_message FROM tool_call_metrics WHERE preset_id = $1 AND NOT ok")
          .execute(Tuple.of(preset)).await().iterator().next().getString("error_message");
      assertThat(message).isEqualTo("rpc -1: bad\uFFFDbyte");
      assertThat(own.ingestion().rejected()).isZero();
    }
  }

  @Test
  void a_row_the_database_refuses_is_dropped_alone_and_the_rest_of_its_batch_is_written() {
    try (Own own = Own.create(1000, 10, 100)) {
      UUID preset = UUID.randomUUID();
      List<ToolCallRecorded> events = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        // Year 2999 has no partition: PostgreSQL refuses that row (23514), not the batch's others.
        events.add(event(preset, "echo", true, 1, i == 4 ? Instant.parse("2999-01-01T00:00:00Z") : Instant.now()));
      }
      own.accept(events);
      Eventually.await("9 rows written, 1 rejected", Duration.ofSeconds(10),
          () -> own.rows(preset) == 9 && own.ingestion().rejected() == 1);
      assertThat(own.buffer().size()).isZero();
    }
  }

  @Test
  void drain_while_a_batch_is_being_written_waits_for_it_and_writes_the_rest() {
    try (Own own = Own.create(1000, 10, 60_000)) {
      UUID preset = UUID.randomUUID();
      List<ToolCallRecorded> events = new java.util.ArrayList<>();
      for (int i = 0; i < 25; i++) {
        events.add(event(preset, "echo", true, 1, Instant.now()));
      }
      // accept() starts writing the first batch of 10; drain() runs while it is in flight.
      OnContext.await(own.context(), () -> {
        events.forEach(own.ingestion()::accept);
        return own.ingestion().drain(System.currentTimeMillis() + 10_000);
      });
      assertThat(own.rows(preset)).isEqualTo(25);
    }
  }

  @Test
  void drain_writes_the_buffer_even_after_writes_had_failed() {
    try (Own own = Own.create(1000, 10, 100)) {
      own.pool().query("ALTER TABLE tool_call_metrics RENAME TO tool_call_metrics_away").execute().await();
      UUID preset = UUID.randomUUID();
      List<ToolCallRecorded> events = new java.util.ArrayList<>();
      for (int i = 0; i < 15; i++) {
        events.add(event(preset, "echo", true, 1, Instant.now()));
      }
      own.accept(events);
      Eventually.await("a failed write put back", Duration.ofSeconds(5), () -> own.buffer().size() == 15);
      own.pool().query("ALTER TABLE tool_call_metrics_away RENAME TO tool_call_metrics").execute().await();
      OnContext.await(own.context(), () -> own.ingestion().drain(System.currentTimeMillis() + 10_000));
      assertThat(own.rows(preset)).isEqualTo(15);
      assertThat(own.buffer().dropped()).isZero();
    }
  }

  @Test
  void partitions_are_created_ahead_and_old_ones_dropped_whole() {
    pool.query("SELECT ensure_tool_call_metrics_partitions('2020-01-15T00:00:00Z', 1)").execute().await();
    pool.query("INSERT INTO tool_call_metrics (preset_id, tool_name, ok, latency_ms, executed_at) "
        + "VALUES (gen_random_uuid(), 'old', true, 1, '2020-01-20T00:00:00Z')").execute().await();
    var maintenance = new PartitionMaintenance(pool, 90);
    Instant now = Instant.parse("2026-11-24T10:00:00Z");
    PartitionMaintenance.Outcome outcome = maintenance.run(now).await();
    assertThat(outcome.dropped()).contains("tool_call_metrics_2020_01", "tool_call_metrics_2020_02");
    List<String> remaining = partitions();
    assertThat(remaining).doesNotContain("tool_call_metrics_2020_01", "tool_call_metrics_2020_02")
        .contains("tool_call_metrics_2026_11", "tool_call_metrics_2026_12", "tool_call_metrics_2027_01");
    // A month ended less than 90 days ago is kept; one ended more than 90 days ago is not.
    pool.query("SELECT ensure_tool_call_metrics_partitions('2026-07-01T00:00:00Z', 1)").execute().await();
    maintenance.run(now).await();
    assertThat(partitions()).contains("tool_call_metrics_2026_08").doesNotContain("tool_call_metrics_2026_07");
  }

  private static List<String> partitions() {
    return pool.query("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            + "WHERE p.relname = 'tool_call_metrics' AND n.nspname = current_schema()").execute().await()
        .stream().map(r -> r.getString("name")).toList();
  }

  @Test
  void stats_are_computed_in_sql_with_exact_numbers() {
    UUID preset = UUID.randomUUID();
    Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
    List<ToolCallRecorded> events = List.of(
        event(preset, "search", true, 10, base.plusSeconds(60)),
        event(preset, "search", true, 20, base.plusSeconds(120)),
        event(preset, "search", true, 30, base.plusSeconds(3700)),
        event(preset, "search", false, 40, base.plusSeconds(3800)),
        event(preset, "fetch", false, 100, base.plusSeconds(3900)));
    events.forEach(e -> vertx.eventBus().send(Addresses.TOOL_CALL_RECORDED, e.toJson()));
    Eventually.await("5 rows", Duration.ofSeconds(10), () -> count(preset) == 5);
    JsonObject stats = new PresetStats(pool).compute(preset, base, base.plus(3, ChronoUnit.HOURS), "hour").await();
    JsonObject totals = stats.getJsonObject("totals");
    assertThat(totals.getLong("calls")).isEqualTo(5);
    assertThat(totals.getLong("errors")).isEqualTo(2);
    assertThat(totals.getDouble("successRate")).isEqualTo(0.6);
    assertThat(totals.getJsonObject("latencyMs").getDouble("p50")).isEqualTo(30.0);
    assertThat(totals.getJsonObject("latencyMs").getDouble("avg")).isEqualTo(40.0);
    JsonObject search = stats.getJsonArray("tools").getJsonObject(0);
    assertThat(search.getString("tool")).isEqualTo("search");
    assertThat(search.getLong("calls")).isEqualTo(4);
    assertThat(search.getDouble("successRate")).isEqualTo(0.75);
    assertThat(search.getDouble("p50")).isEqualTo(25.0);
    assertThat(stats.getJsonArray("topErrors").getJsonObject(0).getString("code")).isEqualTo("timeout");
    assertThat(stats.getJsonArray("topErrors").getJsonObject(0).getLong("count")).isEqualTo(2);
    assertThat(stats.getJsonArray("series")).hasSize(2);
    assertThat(stats.getJsonArray("series").getJsonObject(0).getString("at")).isEqualTo(base.toString());
    assertThat(stats.getJsonArray("series").getJsonObject(1).getLong("calls")).isEqualTo(3);
    assertThat(stats.getJsonArray("series").getJsonObject(1).getDouble("p99")).isNotNull();
    // Each event came from its own (unregistered) server: five per-server rows of one call, no slug.
    assertThat(stats.getJsonArray("servers")).hasSize(5);
    assertThat(stats.getJsonArray("servers").getJsonObject(0).getLong("calls")).isEqualTo(1);
    assertThat(stats.getJsonArray("servers").getJsonObject(0).getString("serverSlug")).isNull();
    assertThat(stats.getJsonArray("servers").getJsonObject(0).getDouble("p95")).isNotNull();
    // One caller ("p1", not a principal id: no display name), with its errors.
    assertThat(stats.getJsonArray("callers")).hasSize(1);
    JsonObject caller = stats.getJsonArray("callers").getJsonObject(0);
    assertThat(caller.getString("principal")).isEqualTo("p1");
    assertThat(caller.getLong("calls")).isEqualTo(5);
    assertThat(caller.getLong("errors")).isEqualTo(2);
    assertThat(caller.getString("displayName")).isNull();
  }
}
