package io.mcpgateway.model.db;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place that recognises "the database is unreachable" and says so once: a failure that is a lost or
 * refused connection or a statement timeout becomes {@code UNAVAILABLE} (503) with a short message, logged as
 * one WARN line (no stack trace) at most every 30 s however many requests hit it.
 */
public final class DatabaseOutage {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutage.class);
  private static final long LOG_EVERY_MS = 30_000;
  private static final AtomicLong lastLogged = new AtomicLong();

  private DatabaseOutage() {}

  /** True when {@code failure} means the database could not be reached or did not answer in time. */
  public static boolean is(Throwable failure) {
    if (failure instanceof GatewayException g) {
      // already a domain answer (not found, denied, ...), unless a store translated the outage itself
      return g.code() == ErrorCode.UNAVAILABLE && "database unavailable".equals(g.getMessage());
    }
    if (failure instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
      return true; // connection exceptions, admin shutdown, cannot connect now
    }
    Throwable t = SqlErrors.translate(failure, Map.of());
    return t instanceof GatewayException g && (g.code() == ErrorCode.UNAVAILABLE || g.code() == ErrorCode.TIMEOUT);
  }

  /** The 503 a caller gets while the database is away; logs the cause once per 30 s. */
  public static GatewayException unavailable(Throwable cause) {
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
      LOG.warn("PostgreSQL is unreachable ({}); answering 503 where no last known configuration can serve",
          cause.getMessage());
    }
    return new GatewayException(ErrorCode.UNAVAILABLE,
        "the gateway cannot reach its configuration database; try again shortly");
  }

  /** Logs once per 30 s that requests are served from the last known configuration. */
  public static void servingStale(String what) {
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
      LOG.warn("PostgreSQL is unreachable; serving {} from the last known configuration", what);
    }
  }
}
