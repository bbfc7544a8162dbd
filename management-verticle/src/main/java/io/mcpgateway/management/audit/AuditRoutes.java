package io.mcpgateway.management.audit;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.Ownership;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.audit.AuditEvent;
import io.mcpgateway.model.audit.AuditEventStore;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code /api/v1/audit-events}: the trail across presets, servers, keys and principals. Administrators see every
 * event; anyone else sees the changes they made themselves.
 */
public final class AuditRoutes {
  private static final Set<String> AGGREGATES = Set.of("preset", "server", "api_key", "principal");

  private final Pool pool;
  private final AuditEventStore audit = new AuditEventStore();

  public AuditRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.GET, "/audit-events", "audit",
        "The audit trail across everything, newest first (admins: all; others: their own changes). Query: aggregateType, aggregateId, type prefix, actorId, from, to",
        null, 200, "AuditEvent", true), this::list);
  }

  /**
   * One aggregate's trail ({@code /presets/{id}/events}, {@code /servers/{id}/events}): the query is checked first,
   * then {@code visibleId} resolves the aggregate the caller may see (or fails 404).
   */
  public static Future<Reply> trailOf(Pool pool, AuditEventStore audit, RoutingContext ctx, String aggregateType,
      Supplier<Future<UUID>> visibleId) {
    int limit = Api.limit(ctx);
    Optional<String> cursor = Api.cursor(ctx);
    var filter = Api.auditFilter(ctx);
    return visibleId.get()
        .compose(id -> audit.list(pool, aggregateType, id, filter, limit, cursor))
        .map(page -> Reply.ok(Api.page(page, AuditEvent::toJson)));
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    int limit = Api.limit(ctx);
    Optional<String> cursor = Api.cursor(ctx);
    var filter = Api.auditFilter(ctx);
    Optional<String> type = Optional.ofNullable(ctx.queryParams().get("aggregateType")).map(String::strip).filter(t -> !t.isEmpty());
    if (type.isPresent() && !AGGREGATES.contains(type.get())) {
      throw GatewayException.invalid(List.of(new FieldError("aggregateType", "must be one of " + AGGREGATES.stream().sorted().toList())));
    }
    Optional<UUID> aggregate = Api.queryId(ctx, "aggregateId");
    if (!caller.isAdmin()) {
      UUID self = Ownership.self(caller);
      if (filter.actorId().isPresent() && !filter.actorId().get().equals(self)) {
        throw new GatewayException(ErrorCode.FORBIDDEN, "only administrators see other principals' changes");
      }
      filter = new AuditEventStore.Filter(filter.typePrefix(), Optional.of(self), filter.from(), filter.to());
    }
    return audit.search(pool, type, aggregate, filter, limit, cursor)
        .map(page -> Reply.ok(Api.page(page, AuditEvent::toJson)));
  }
}
