package io.mcpgateway.management.http;

import io.mcpgateway.model.audit.AuditEvent;
import io.mcpgateway.model.audit.AuditEventStore;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import java.util.function.Function;

/**
 * Every change the same way: the change and its audit event in one transaction, then — only after the
 * commit — the event-bus message that lets gateways drop what they cached.
 */
public final class Events {
  private final Vertx vertx;
  private final Pool pool;
  private final AuditEventStore audit = new AuditEventStore();

  public Events(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** What a change produced: its result, its audit record and the bus message to publish after commit. */
  public record Change<T>(T result, String aggregateType, UUID aggregateId, String eventType, JsonObject data,
      String address, JsonObject message) {}

  public <T> Future<T> commit(Caller caller, Function<SqlConnection, Future<Change<T>>> work) {
    return pool.withTransaction(conn -> work.apply(conn).compose(change -> audit.append(conn,
            AuditEvent.of(change.aggregateType(), change.aggregateId(), change.eventType(),
                caller.principalId().orElse(null), change.data()))
        .map(written -> change)))
        .map(change -> {
          if (change.address() != null) {
            vertx.eventBus().publish(change.address(), change.message());
          }
          return change.result();
        });
  }
}
