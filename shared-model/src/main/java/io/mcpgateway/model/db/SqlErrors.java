package io.mcpgateway.model.db;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.Map;

/** Translates PostgreSQL failures into the gateway's error vocabulary, in one place. */
public final class SqlErrors {
  private SqlErrors() {}

  /**
   * Maps a failure: unique violations become {@link ErrorCode#CONFLICT} with the message given for the
   * violated constraint (or a generic one), statement timeouts become {@link ErrorCode#TIMEOUT}, lost
   * connections {@link ErrorCode#UNAVAILABLE}; gateway exceptions pass through.
   */
  public static Throwable translate(Throwable failure, Map<String, String> conflictMessages) {
    if (failure instanceof GatewayException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      String constraint = pg.getConstraint();
      return switch (state) {
        case "23505" -> GatewayException.conflict(
            conflictMessages.getOrDefault(constraint == null ? "" : constraint, "already exists"));
        case "23503" -> GatewayException.conflict(
            conflictMessages.getOrDefault(constraint == null ? "" : constraint, "is still referenced"));
        case "23514", "22P02", "22001" -> new GatewayException(ErrorCode.INVALID_INPUT,
            "rejected by the database: " + pg.getErrorMessage());
        case "57014" -> new GatewayException(ErrorCode.TIMEOUT, "database statement timed out");
        default -> failure;
      };
    }
    String name = failure.getClass().getName();
    if (name.contains("ClosedConnection") || name.contains("ConnectException")
        || failure instanceof java.util.concurrent.TimeoutException
        || failure instanceof io.vertx.core.http.HttpClosedException) {
      return new GatewayException(ErrorCode.UNAVAILABLE, "database unavailable");
    }
    return failure;
  }

  public static <T> Future<T> recover(Future<T> future, Map<String, String> conflictMessages) {
    return future.recover(e -> Future.failedFuture(translate(e, conflictMessages)));
  }

  public static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
