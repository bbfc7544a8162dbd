package io.mcpgateway.metrics.ingest;

import io.mcpgateway.model.bus.ToolCallRecorded;
import io.mcpgateway.model.db.PgText;
import io.vertx.pgclient.PgException;
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
 * with one INSERT per batch (arrays unnested in SQL). Text is cleaned for PostgreSQL (NUL), and a batch the
 * database refuses for its data (SQLSTATE class 22/23, e.g. an event dated where no partition exists) is
 * written row by row so one bad event never blocks the others: the rows refused alone are dropped and
 * counted ({@link #rejected()}). A batch that fails for any other reason (database away) goes back to the
 * buffer and is retried on the next tick; the buffer's bound decides what is dropped if it stays away.
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
  /** The batch write under way; completes (never fails) when it has been written or put back. */
  private Future<Void> inFlight;
  private boolean failing;
  private long written;
  private long rejected;

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

  /** Events the database refused on their own (bad data); they are dropped, never retried. */
  public long rejected() {
    return rejected;
  }

  /**
   * Writes one batch unless one is under way (then answers that one). Fails when the batch could not be
   * written (it is back in the buffer); the next batch follows at once while events wait.
   */
  public Future<Void> flush() {
    if (inFlight != null) {
      return inFlight;
    }
    if (buffer.size() == 0) {
      return Future.succeededFuture();
    }
    List<ToolCallRecorded> batch = buffer.take(batchSize);
    Future<Void> write = writeIsolating(batch).andThen(ar -> {
      inFlight = null;
      if (ar.succeeded()) {
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
      }
    });
    if (!write.isComplete()) {
      inFlight = write;
    }
    return write;
  }

  /**
   * Flushes everything still buffered (on shutdown), waiting for a write under way first. Tries even when
   * writes were failing (the database may be back); gives up, saying how many events are lost, on the first
   * failed write or at {@code deadline} (epoch millis).
   */
  public Future<Void> drain(long deadline) {
    vertx.cancelTimer(timer);
    if (inFlight == null && buffer.size() == 0) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() >= deadline) {
      LOG.warn("shutdown: {} tool-call events not written (drain deadline passed)", buffer.size());
      return Future.succeededFuture();
    }
    return flush().transform(ar -> {
      if (ar.failed()) {
        LOG.warn("shutdown: {} tool-call events not written ({})", buffer.size(), ar.cause().getMessage());
        return Future.succeededFuture();
      }
      return drain(deadline);
    });
  }

  /** The batch in one INSERT; when the database refuses its data, row by row. Puts back what was not written. */
  private Future<Void> writeIsolating(List<ToolCallRecorded> batch) {
    return write(batch)
        .onSuccess(v -> written += batch.size())
        .recover(e -> {
          if (isDataError(e) && batch.size() > 1) {
            return writeRows(batch, 0);
          }
          if (isDataError(e)) {
            reject(batch.get(0), e);
            return Future.succeededFuture();
          }
          buffer.putBack(batch);
          return Future.failedFuture(e);
        });
  }

  private Future<Void> writeRows(List<ToolCallRecorded> batch, int from) {
    if (from == batch.size()) {
      return Future.succeededFuture();
    }
    ToolCallRecorded row = batch.get(from);
    return write(List.of(row)).transform(ar -> {
      if (ar.succeeded()) {
        written++;
      } else if (isDataError(ar.cause())) {
        reject(row, ar.cause());
      } else {
        buffer.putBack(batch.subList(from, batch.size()));
        return Future.failedFuture(ar.cause());
      }
      return writeRows(batch, from + 1);
    });
  }

  private void reject(ToolCallRecorded row, Throwable e) {
    rejected++;
    LOG.warn("dropping a tool-call event the database refuses (preset {}, tool {}): {}", row.presetId(),
        row.tool(), e.getMessage());
  }

  /** Refused for what the rows hold (class 22 data exception, 23 integrity), not because the database is away. */
  private static boolean isDataError(Throwable e) {
    return e instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
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
      tools[i] = PgText.clean(e.tool());
      principals[i] = PgText.clean(e.principal());
      ok[i] = e.ok();
      latency[i] = (int) Math.min(Integer.MAX_VALUE, e.latencyMs());
      String error = PgText.clean(e.error());
      codes[i] = error == null ? null : code(error);
      messages[i] = error == null ? null : truncate(error);
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
