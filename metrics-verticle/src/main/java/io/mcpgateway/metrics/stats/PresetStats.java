package io.mcpgateway.metrics.stats;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Usage statistics of one preset over a window, computed in SQL over the partitioned metrics table (the
 * {@code (preset_id, executed_at)} index and partition pruning keep it to the window's months): totals,
 * success rate, latency percentiles, per-tool and per-server breakdowns, top callers, top errors and a time series.
 */
public final class PresetStats {
  private static final String WHERE = " FROM tool_call_metrics WHERE preset_id = $1 AND executed_at >= $2 AND executed_at < $3";
  private static final String LATENCY = """
      percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99""";

  private final Pool pool;

  public PresetStats(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> compute(UUID presetId, Instant from, Instant to, String bucket) {
    Tuple window = Tuple.of(presetId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
    Future<RowSet<Row>> totals = pool.preparedQuery("SELECT count(*) AS calls, count(*) FILTER (WHERE ok) AS ok, "
        + "avg(latency_ms) AS avg, " + LATENCY + WHERE).execute(window);
    Future<RowSet<Row>> tools = pool.preparedQuery("SELECT tool_name, count(*) AS calls, count(*) FILTER (WHERE ok) AS ok, "
        + LATENCY + WHERE + " GROUP BY tool_name ORDER BY calls DESC, tool_name LIMIT 100").execute(window);
    Future<RowSet<Row>> perServer = pool.preparedQuery("SELECT m.server_id, s.slug, count(*) AS calls, "
        + "count(*) FILTER (WHERE m.ok) AS ok, " + LATENCY.replace("latency_ms", "m.latency_ms")
        + " FROM tool_call_metrics m LEFT JOIN upstream_servers s ON s.id = m.server_id"
        + " WHERE m.preset_id = $1 AND m.executed_at >= $2 AND m.executed_at < $3"
        + " GROUP BY m.server_id, s.slug ORDER BY calls DESC, s.slug LIMIT 100").execute(window);
    // The recorded principal is a principal id, or the rate key of a caller without one; ids get their name.
    Future<RowSet<Row>> callers = pool.preparedQuery("SELECT m.principal, max(coalesce(p.display_name, p.email, p.subject)) AS name, "
        + "count(*) AS calls, count(*) FILTER (WHERE m.ok) AS ok"
        + " FROM tool_call_metrics m LEFT JOIN principals p ON p.id::text = m.principal"
        + " WHERE m.preset_id = $1 AND m.executed_at >= $2 AND m.executed_at < $3"
        + " GROUP BY m.principal ORDER BY calls DESC, m.principal LIMIT 10").execute(window);
    Future<RowSet<Row>> errors = pool.preparedQuery("SELECT coalesce(error_code, 'unknown') AS code, count(*) AS count, "
        + "max(error_message) AS sample" + WHERE + " AND NOT ok GROUP BY 1 ORDER BY count DESC, code LIMIT 10").execute(window);
    Future<RowSet<Row>> series = pool.preparedQuery("SELECT date_trunc($4, executed_at AT TIME ZONE 'UTC') AS at, "
        + "count(*) AS calls, count(*) FILTER (WHERE ok) AS ok, " + LATENCY + WHERE + " GROUP BY 1 ORDER BY 1")
        .execute(Tuple.of(presetId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), bucket));
    return Future.all(List.of(totals, tools, perServer, callers, errors, series)).map(all -> {
      Row t = totals.result().iterator().next();
      long calls = t.getLong("calls");
      long ok = t.getLong("ok");
      JsonObject out = new JsonObject()
          .put("presetId", presetId.toString()).put("from", from.toString()).put("to", to.toString()).put("bucket", bucket)
          .put("totals", new JsonObject().put("calls", calls).put("ok", ok).put("errors", calls - ok)
              .put("successRate", rate(ok, calls))
              .put("latencyMs", new JsonObject().put("avg", round(t.getValue("avg"))).put("p50", round(t.getValue("p50")))
                  .put("p95", round(t.getValue("p95"))).put("p99", round(t.getValue("p99")))));
      JsonArray perTool = new JsonArray();
      for (Row r : tools.result()) {
        long c = r.getLong("calls");
        long k = r.getLong("ok");
        perTool.add(new JsonObject().put("tool", r.getString("tool_name")).put("calls", c).put("errors", c - k)
            .put("successRate", rate(k, c)).put("p50", round(r.getValue("p50"))).put("p95", round(r.getValue("p95")))
            .put("p99", round(r.getValue("p99"))));
      }
      JsonArray servers = new JsonArray();
      for (Row r : perServer.result()) {
        long c = r.getLong("calls");
        long k = r.getLong("ok");
        UUID server = r.getUUID("server_id");
        servers.add(new JsonObject().put("serverId", server == null ? null : server.toString())
            .put("serverSlug", r.getString("slug")).put("calls", c).put("errors", c - k).put("successRate", rate(k, c))
            .put("p50", round(r.getValue("p50"))).put("p95", round(r.getValue("p95"))).put("p99", round(r.getValue("p99"))));
      }
      JsonArray topCallers = new JsonArray();
      for (Row r : callers.result()) {
        long c = r.getLong("calls");
        topCallers.add(new JsonObject().put("principal", r.getString("principal")).put("displayName", r.getString("name"))
            .put("calls", c).put("errors", c - r.getLong("ok")));
      }
      JsonArray top = new JsonArray();
      for (Row r : errors.result()) {
        top.add(new JsonObject().put("code", r.getString("code")).put("count", r.getLong("count")).put("sample", r.getString("sample")));
      }
      JsonArray points = new JsonArray();
      for (Row r : series.result()) {
        long c = r.getLong("calls");
        long k = r.getLong("ok");
        points.add(new JsonObject().put("at", r.getLocalDateTime("at").toInstant(ZoneOffset.UTC).toString()).put("calls", c)
            .put("errors", c - k).put("p50", round(r.getValue("p50"))).put("p95", round(r.getValue("p95")))
            .put("p99", round(r.getValue("p99"))));
      }
      return out.put("tools", perTool).put("servers", servers).put("callers", topCallers).put("topErrors", top).put("series", points);
    });
  }

  private static Double rate(long ok, long calls) {
    return calls == 0 ? null : Math.round(ok * 10_000.0 / calls) / 10_000.0;
  }

  private static Double round(Object value) {
    return value instanceof Number n ? Math.round(n.doubleValue() * 100.0) / 100.0 : null;
  }
}
