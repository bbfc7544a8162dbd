package io.mcpgateway.metrics.partition;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code tool_call_metrics} partitioned by month: creates the partitions of this month and the next two,
 * and drops — whole, never row by row — every partition whose month ended more than the retention ago.
 */
public final class PartitionMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);

  private final Pool pool;
  private final int retentionDays;

  public PartitionMaintenance(Pool pool, int retentionDays) {
    this.pool = pool;
    this.retentionDays = retentionDays;
  }

  /** Result of one run: partitions created and dropped. */
  public record Outcome(int created, List<String> dropped) {}

  public Future<Outcome> run(Instant now) {
    Instant cutoff = now.minusSeconds(retentionDays * 86_400L);
    return pool.preparedQuery("SELECT ensure_tool_call_metrics_partitions($1, 2) AS created")
        .execute(io.vertx.sqlclient.Tuple.of(now.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getInteger("created"))
        .compose(created -> pool.query("""
                SELECT c.relname AS name FROM pg_inherits i
                  JOIN pg_class c ON c.oid = i.inhrelid
                  JOIN pg_class p ON p.oid = i.inhparent
                  JOIN pg_namespace n ON n.oid = p.relnamespace
                 WHERE p.relname = 'tool_call_metrics' AND n.nspname = current_schema()""").execute()
            .compose(rows -> {
              List<String> expired = new ArrayList<>();
              for (Row r : rows) {
                String name = r.getString("name");
                YearMonth month = month(name);
                if (month != null && endOf(month).isBefore(cutoff)) {
                  expired.add(name);
                }
              }
              Future<Void> chain = Future.succeededFuture();
              for (String name : expired) {
                chain = chain.compose(v -> pool.query("DROP TABLE IF EXISTS \"" + name + "\"").execute().mapEmpty());
              }
              return chain.map(v -> new Outcome(created, expired));
            }))
        .onSuccess(o -> {
          if (o.created() > 0 || !o.dropped().isEmpty()) {
            LOG.info("metrics partitions: {} created, dropped {}", o.created(), o.dropped());
          }
        });
  }

  static YearMonth month(String partition) {
    if (!partition.matches("tool_call_metrics_\\d{4}_\\d{2}")) {
      return null;
    }
    String[] parts = partition.substring("tool_call_metrics_".length()).split("_");
    return YearMonth.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  private static Instant endOf(YearMonth month) {
    LocalDate firstOfNext = month.plusMonths(1).atDay(1);
    return firstOfNext.atStartOfDay().toInstant(ZoneOffset.UTC);
  }
}
