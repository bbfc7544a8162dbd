package io.mcpgateway.metrics.ingest;

import io.mcpgateway.model.bus.ToolCallRecorded;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes tool-call events in batches — when {@code batchSize} are waiting or every {@code flushEveryMs} —
 * with one INSERT per batch (arrays unnested in SQL). A failed batch goes back to the buffer and is retried
 * on the next tick; the buffer's bound decides what is dropped if the database stays away.
 */
public final class MetricsIngestion {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsIngestion.class);
  private static final String INSERT = """
      INSERT INTO tool_call_metrics (preset_id, server_id, tool_name, principal, ok, latency_ms, error_code, error_message, executed_at)
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bool[], $6::int[], $7::text[], $8::text[], $9::timestamptz[])""";

  private final Vertx vertx;
  private final Pool pool;
  private final MetricsBuffer buffer;
  private final int batchSize;
  private final long timer;
  private boolean writing;
  private boolean failing;
  private long written;

  public MetricsIngestion(Vertx vertx, Pool pool, MetricsBuffer buffer, int batchSize, long flushEveryMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.buffer = buffer;
    this.batchSize = batchSize;
    this.timer = vertx.setPeriodic(flushEveryMs, t -> flush());
  }

  public void accept(ToolCallRecorded event) {
    buffer.add(event);
    if (buffer.size() >= batchSize && !failing) {
      flush();
    }
  }

  public long written() {
    return written;
  }

  /** Writes one batch if none is being written; the next batch follows at once while events wait. */
  public Future<Void> flush() {
    if (writing || buffer.size() == 0) {
      return Future.succeededFuture();
    }
    writing = true;
    List<ToolCallRecorded> batch = buffer.take(batchSize);
    return write(batch).andThen(ar -> {
      writing = false;
      if (ar.succeeded()) {
        written += batch.size();
        if (failing) {
          LOG.info("metrics are written again");
        }
        failing = false;
        if (buffer.size() >= batchSize) {
          flush();
        }
      } else {
        if (!failing) {
          LOG.warn("cannot write tool-call metrics ({}); keeping up to the buffer bound and retrying", ar.cause().getMessage());
        }
        failing = true;
        buffer.putBack(batch);
      }
    });
  }

  /** Flushes everything still buffered (on shutdown). */
  public Future<Void> drain() {
    vertx.cancelTimer(timer);
    if (buffer.size() == 0 || failing) {
      return Future.succeededFuture();
    }
    return flush().compose(v -> buffer.size() > 0 && !failing ? drain() : Future.succeededFuture());
  }

  private Future<Void> write(List<ToolCallRecorded> batch) {
    int n = batch.size();
    UUID[] presets = new UUID[n];
    UUID[] servers = new UUID[n];
    String[] tools = new String[n];
    String[] principals = new String[n];
    Boolean[] ok = new Boolean[n];
    Integer[] latency = new Integer[n];
    String[] codes = new String[n];
    String[] messages = new String[n];
    java.time.OffsetDateTime[] at = new java.time.OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      ToolCallRecorded e = batch.get(i);
      presets[i] = e.presetId();
      servers[i] = e.serverId();
      tools[i] = e.tool();
      principals[i] = e.principal();
      ok[i] = e.ok();
      latency[i] = (int) Math.min(Integer.MAX_VALUE, e.latencyMs());
      codes[i] = e.error() == null ? null : code(e.error());
      messages[i] = e.error() == null ? null : truncate(e.error());
      at[i] = e.at().atOffset(ZoneOffset.UTC);
    }
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(presets, servers, tools, principals, ok, latency, codes, messages, at))
        .mapEmpty();
  }

  /** The error's kind: the text before the first colon ("timeout", "rpc -32602", "tool returned isError"). */
  static String code(String error) {
    int colon = error.indexOf(':');
    return colon > 0 ? error.substring(0, Math.min(colon, 64)) : truncate(error).substring(0, Math.min(64, error.length()));
  }

  private static String truncate(String s) {
    return s.length() > 500 ? s.substring(0, 500) : s;
  }
}
