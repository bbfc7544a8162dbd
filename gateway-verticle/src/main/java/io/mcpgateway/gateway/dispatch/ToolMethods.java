package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.ExposedTool;
import io.mcpgateway.gateway.catalog.ToolCatalog;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/** server/tools: {@code tools/list} over the preset's federated catalog, {@code tools/call} routed to the owner. */
final class ToolMethods {
  private final CatalogService catalogs;
  private final Forwarder forwarder;
  private final ToolCallRecorder recorder;
  private final TaskMethods tasks;

  ToolMethods(CatalogService catalogs, Forwarder forwarder, ToolCallRecorder recorder, TaskMethods tasks) {
    this.catalogs = catalogs;
    this.forwarder = forwarder;
    this.recorder = recorder;
    this.tasks = tasks;
  }

  /** Hands the calls recorded so far to the metrics verticle (the instance is stopping). */
  void flushMetrics() {
    recorder.flush();
  }

  Future<JsonObject> list(Exchange ex, JsonObject params) {
    String cursor = Params.cursor(params);
    return catalogs.catalog(ex.preset()).map(all -> TaskMethods.view(all, ex)).map(catalog -> {
      ToolCatalog.Page page = catalog.page(cursor);
      JsonArray tools = new JsonArray();
      page.tools().forEach(t -> tools.add(t.toMcp()));
      JsonObject out = new JsonObject().put("tools", tools);
      page.nextCursor().ifPresent(c -> out.put("nextCursor", c));
      // MCP 2026-07-28 server/utilities/caching: fresh for as long as the gateway itself keeps the catalog; an
      // incomplete catalog (a server could not be listed) is rebuilt on the next request, so it is stale at once.
      return out.put("ttlMs", catalog.complete() ? CatalogService.CATALOG_TTL.toMillis() : 0)
          .put("cacheScope", CatalogService.cacheScope(ex.preset()));
    });
  }

  Future<JsonObject> call(Exchange ex, Object id, JsonObject params) {
    if (!(params.getValue("name") instanceof String name) || name.isEmpty()) {
      return Future.failedFuture(Params.invalid("tools/call needs params.name"));
    }
    Object arguments = params.getValue("arguments");
    if (arguments != null && !(arguments instanceof JsonObject)) {
      return Future.failedFuture(Params.invalid("params.arguments must be an object"));
    }
    Object meta = params.getValue("_meta");
    Preset preset = ex.preset();
    Caller caller = ex.caller();
    return catalogs.catalog(preset).map(all -> TaskMethods.view(all, ex)).compose(catalog -> {
      Optional<ExposedTool> tool = catalog.find(name);
      if (tool.isEmpty()) {
        return Future.failedFuture(Params.invalid("Unknown tool: " + name + Params.unlisted(catalog.unavailable())));
      }
      return catalogs.server(tool.get().serverId()).compose(server -> {
        if (server.isEmpty() || !server.get().active()) {
          GatewayException gone = new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
              "the server of tool \"" + name + "\" is no longer available");
          recorder.record(preset, tool.get(), caller, 0, outcome(null, gone));
          return Future.failedFuture(gone);
        }
        long started = System.nanoTime();
        JsonObject forwarded = new JsonObject().put("name", tool.get().originalName())
            .put("arguments", arguments == null ? new JsonObject() : arguments);
        if (meta instanceof JsonObject m && !m.isEmpty()) {
          forwarded.put("_meta", m);
        }
        // MCP 2026-07-28 basic/patterns/mrtr: a retry carries the answers and the upstream's own state; both go
        // back to the same upstream (the exposed name routes it), so any node can take the follow-up.
        for (String retry : List.of("inputResponses", "requestState")) {
          if (params.containsKey(retry)) {
            forwarded.put(retry, params.getValue(retry));
          }
        }
        // MCP 2025-11-25 tasks: a task-augmented call to a server whose tasks the gateway relays.
        JsonObject task = TaskMethods.taskToForward(catalog, tool.get().serverId(), params);
        if (task != null) {
          return tasks.create(ex, id, server.get(), forwarded.put("task", task)).andThen(ar ->
              recorder.record(preset, tool.get(), caller, System.nanoTime() - started,
                  outcome(ar.succeeded() ? ar.result() : null, ar.cause())));
        }
        return forwarder.forward(ex, id, server.get(), "tools/call", forwarded, name, r -> r,
            ar -> recorder.record(preset, tool.get(), caller, System.nanoTime() - started,
                outcome(ar.succeeded() ? ar.result() : null, ar.cause())));
      });
    });
  }

  /** Null for success; otherwise a short error description for the metrics. */
  private static String outcome(JsonObject result, Throwable failure) {
    if (failure instanceof UpstreamRpcError e) {
      return "rpc " + e.error().getInteger("code", 0) + ": " + e.getMessage();
    }
    if (failure instanceof GatewayException g) {
      return g.code().name().toLowerCase() + ": " + g.getMessage();
    }
    if (failure != null) {
      return "internal: " + failure.getClass().getSimpleName();
    }
    return Boolean.TRUE.equals(result.getBoolean("isError")) ? "tool returned isError" : null;
  }
}
