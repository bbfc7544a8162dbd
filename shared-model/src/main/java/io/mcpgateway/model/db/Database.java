package io.mcpgateway.model.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds the reactive PostgreSQL pool every verticle uses. */
public final class Database {
  private Database() {}

  /**
   * A pool whose connections use the configured schema and bound every statement by the database
   * timeout (server-side {@code statement_timeout}), so no query can hold a caller longer than that.
   */
  public static Pool pool(Vertx vertx, PgSettings settings) {
    return pool(vertx, settings, "mgw-pg-" + settings.schema(), settings.poolSize());
  }

  /**
   * A pool of its own ({@code name}), for a verticle that must outlive the others' pool at shutdown: the metrics
   * verticle drains its buffer after the data plane stopped and closed the node's shared pool.
   */
  public static Pool pool(Vertx vertx, PgSettings settings, String name, int maxSize) {
    var connect = new PgConnectOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setDatabase(settings.database())
        .setUser(settings.user())
        .setPassword(settings.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .setProperties(Map.of(
            "search_path", settings.schema(),
            "statement_timeout", String.valueOf(settings.timeout().toMillis()),
            "application_name", "mcp-gateway"));
    var pool = new PoolOptions()
        .setMaxSize(maxSize)
        .setConnectionTimeout((int) settings.timeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setShared(true)
        .setName(name);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
