package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.ToolCatalog;
import io.mcpgateway.gateway.session.ClientRelay;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.gateway.upstream.UpstreamRpcError;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * MCP 2025-11-25 tasks (basic/utilities/tasks) passed through: a task-augmented {@code tools/call} runs as a task on
 * the server that owns the tool, and the {@code CreateTaskResult} reaches the client under a {@link TaskIds} id;
 * {@code tasks/get}, {@code tasks/result} and {@code tasks/cancel} open that id and go to the same server, in the
 * upstream session that created the task, from whichever instance or node receives them. {@code tasks/list} is not
 * offered (see {@link ToolCatalog#tasksCapability()}). 2025-era sessions only: a 2026-07-28 client gets no tasks.
 */
final class TaskMethods {
  /** tasks §Related Task Metadata. */
  static final String RELATED_TASK = "io.modelcontextprotocol/related-task";

  /** Added to the server's call timeout when waiting for another instance's answer. */
  private static final long FORWARD_MARGIN_MS = 5000;

  private final Vertx vertx;
  private final CatalogService catalogs;
  private final Upstreams upstreams;
  private final TaskIds ids;

  TaskMethods(Vertx vertx, CatalogService catalogs, Upstreams upstreams, TaskIds ids) {
    this.vertx = vertx;
    this.catalogs = catalogs;
    this.upstreams = upstreams;
    this.ids = ids;
    if (ids.instance() != null) {
      vertx.eventBus().<JsonObject>consumer(Addresses.TASKS + ids.instance(), this::forwarded);
    }
  }

  /**
   * The catalog as this exchange's client sees it: with tasks for a 2025-11-25 session, without for older sessions
   * and 2026-07-28 clients (see {@link ProtocolVersions#hasTasks}).
   */
  static ToolCatalog view(ToolCatalog catalog, Exchange ex) {
    return offered(ex) ? catalog : catalog.withoutTasks();
  }

  static boolean offered(Exchange ex) {
    return ex.session() != null && ProtocolVersions.hasTasks(ex.session().protocolVersion());
  }

  /**
   * The {@code task} of a {@code tools/call} to pass on, or null: only to a server whose tasks are relayed
   * (tasks §Task Support and Handling: a receiver that does not declare tasks processes the request normally, so
   * elsewhere it is dropped and the call runs to completion).
   */
  static JsonObject taskToForward(ToolCatalog view, UUID serverId, JsonObject params) {
    Object task = params.getValue("task");
    if (task == null || !view.relaysTasks(serverId)) {
      return null;
    }
    // schema TaskMetadata: {ttl?: number}.
    if (!(task instanceof JsonObject metadata) || (metadata.getValue("ttl") != null && !(metadata.getValue("ttl") instanceof Number))) {
      throw Params.invalid("params.task must be an object whose ttl, if present, is a number of milliseconds");
    }
    return metadata;
  }

  /**
   * The upstream's answer to a task-augmented {@code tools/call}: a {@code CreateTaskResult} gets the gateway's id
   * for its task; anything else (the server ran the call normally, or failed) passes as it is.
   */
  JsonObject created(Exchange ex, UUID serverId, UpstreamCall call, JsonObject result) {
    if (!(result.getValue("task") instanceof JsonObject task) || !(task.getValue("taskId") instanceof String upstreamId)) {
      return result;
    }
    String upstreamSession = call.upstreamSession();
    Optional<String> id = ids.issue(new TaskIds.Task(ex.preset().id(), serverId, owner(ex), upstreamId,
        upstreamSession, upstreamSession == null ? ids.instance() : null));
    if (id.isEmpty()) {
      throw new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "the server's task id or session id is longer than "
          + TaskIds.MAX_UPSTREAM_CHARS + " characters; the gateway cannot relay this task");
    }
    JsonObject out = result.copy();
    out.getJsonObject("task").put("taskId", id.get());
    return out;
  }

  /**
   * A task-augmented {@code tools/call} ({@code params} as the server gets them, with {@code task}) to a task
   * server: the {@code CreateTaskResult} comes back at once (tasks §Creating Tasks), under the gateway's id.
   */
  Future<JsonObject> create(Exchange ex, Object requestId, UpstreamServer server, JsonObject params) {
    Session session = ex.session();
    ClientRelay clientRelay = new ClientRelay(session, ex.channel()::notify, ex.channel()::send);
    // Without session ids (stdio) the task must live where another instance can find it: the instance's shared
    // process, not a caller's own one (which only this instance's view of the caller's session reaches).
    UpstreamCall call = upstreams.call(server, "tools/call", params, sessionIds(server) ? session : null, clientRelay);
    return run(ex, requestId, call, clientRelay).map(result -> created(ex, server.id(), call, result));
  }

  /** The call tracked for the client's cancellation while it runs; its relay ended with it. */
  private static Future<JsonObject> run(Exchange ex, Object requestId, UpstreamCall call, ClientRelay clientRelay) {
    Session session = ex.session();
    if (requestId != null) {
      session.track(requestId, call);
    }
    ex.onCancel(call::cancel);
    return call.result().andThen(ar -> {
      if (clientRelay != null) {
        clientRelay.callEnded();
      }
      if (requestId != null) {
        session.untrack(requestId);
      }
    });
  }

  /** {@code tasks/get}, {@code tasks/result}, {@code tasks/cancel}, {@code tasks/list} of a 2025 session. */
  Future<JsonObject> request(Exchange ex, Object requestId, String method, JsonObject params) {
    if (!offered(ex)) {
      return Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "Method not found: " + method
          + " (tasks exist in protocol version 2025-11-25; this session negotiated " + ex.session().protocolVersion() + ")"));
    }
    if ("tasks/list".equals(method)) {
      return Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "Method not found: tasks/list (a "
          + "gateway preset does not list tasks; it does not declare tasks.list. Keep the ids tools/call returned)"));
    }
    if (!(params.getValue("taskId") instanceof String taskId)) {
      return Future.failedFuture(Params.invalid(method + " needs params.taskId (a string)"));
    }
    // tasks §Error Handling: an unknown id, another caller's, another preset's are all "not found" (-32602).
    Optional<TaskIds.Task> opened = ids.open(taskId)
        .filter(t -> t.presetId().equals(ex.preset().id()) && t.owner().equals(owner(ex)));
    if (opened.isEmpty()) {
      return Future.failedFuture(notFound());
    }
    TaskIds.Task task = opened.get();
    Session session = ex.session();
    return catalogs.catalog(ex.preset()).compose(catalog -> {
      if (!catalog.relaysTasks(task.serverId())) {
        return Future.failedFuture(notFound()); // unlinked, disabled, or no longer offering tasks
      }
      return catalogs.server(task.serverId());
    }).compose(server -> {
      if (server.isEmpty() || !server.get().active()) {
        return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "the server running task " + abbreviated(taskId) + " is no longer available"));
      }
      // What the upstream asks during tasks/result (input_required: an elicitation for the task) reaches this
      // caller on this request's stream, under the caller's id for the task.
      ClientRelay clientRelay = "tasks/result".equals(method)
          ? new ClientRelay(session, ex.channel()::notify, ex.channel()::send) : null;
      CallRelay relay = new RelatedTaskRelay(clientRelay != null ? clientRelay
          : CallRelay.notificationsOnly(n -> {
            if (session.wantsLog(n)) {
              ex.channel().notify(n);
            }
          }), task.upstreamTaskId(), taskId);
      Future<JsonObject> outcome;
      if (task.instance() != null && !task.instance().equals(ids.instance())) {
        outcome = forward(task, method, server.get());
      } else {
        UpstreamCall call = upstreams.call(server.get(), method, new JsonObject().put("taskId", task.upstreamTaskId()),
            task.instance() != null ? null : session, relay, task.upstreamSession());
        outcome = run(ex, requestId, call, clientRelay);
      }
      Future<JsonObject> answered = outcome
          .recover(e -> Future.failedFuture(sessionEnded(e)
              ? new GatewayException(ErrorCode.INVALID_INPUT, "Failed to retrieve task: Task not found (the server "
                  + "session that ran it has ended)") : renamed(e, task.upstreamTaskId(), taskId)))
          .map(result -> answer(method, result, task.upstreamTaskId(), taskId));
      // The underlying result of a tools/call: its resource URIs as the client reads them through the preset.
      return "tasks/result".equals(method)
          ? answered.compose(r -> ResultUris.expose(catalogs, ex.preset(), task.serverId(), r)) : answered;
    });
  }

  /**
   * The upstream's answer under the caller's id: {@code tasks/get} and {@code tasks/cancel} return the Task, whose
   * {@code taskId} is the caller's; {@code tasks/result} returns the underlying result, whose related-task metadata
   * must name the task (tasks §Related Task Metadata: MUST for tasks/result).
   */
  static JsonObject answer(String method, JsonObject result, String upstreamId, String taskId) {
    JsonObject out = result.copy();
    if ("tasks/result".equals(method)) {
      JsonObject meta = out.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
      out.put("_meta", meta.put(RELATED_TASK, new JsonObject().put("taskId", taskId)));
    } else if (upstreamId.equals(out.getValue("taskId"))) {
      out.put("taskId", taskId);
    }
    return out;
  }

  /**
   * A task of a server without session ids that another instance created (its child process holds the task): the
   * request goes to that instance over the event bus, wherever it runs, and waits at most the server's call timeout
   * plus a margin. A task request forwarded this way carries no client relay (the shared process asks nothing).
   */
  private Future<JsonObject> forward(TaskIds.Task task, String method, UpstreamServer server) {
    long wait = upstreams.callTimeout(server).toMillis() + FORWARD_MARGIN_MS;
    JsonObject body = new JsonObject().put("v", 1).put("server", task.serverId().toString()).put("method", method)
        .put("taskId", task.upstreamTaskId());
    return vertx.eventBus().<JsonObject>request(Addresses.TASKS + task.instance(), body,
        new DeliveryOptions().setSendTimeout(wait)).transform(ar -> {
          if (ar.succeeded()) {
            return HeldCalls.decode(ar.result().body());
          }
          if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.failedFuture(new GatewayException(ErrorCode.INVALID_INPUT, "Failed to retrieve task: Task not "
                + "found (the gateway instance whose server process ran it has stopped)"));
          }
          if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
            return Future.failedFuture(new GatewayException(ErrorCode.TIMEOUT, "the gateway instance running the task "
                + "did not answer " + method + " within " + wait + " ms"));
          }
          return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
              "could not reach the gateway instance running the task: " + ar.cause().getMessage()));
        });
  }

  /** Another instance's task request for a task this instance's connection created (see {@link #forward}). */
  private void forwarded(Message<JsonObject> m) {
    JsonObject b = m.body();
    String method = b.getString("method");
    UUID serverId;
    try {
      serverId = UUID.fromString(b.getString("server"));
    } catch (RuntimeException e) {
      m.reply(HeldCalls.encode(Future.failedFuture(notFound())));
      return;
    }
    if (!List.of("tasks/get", "tasks/result", "tasks/cancel").contains(method) || !(b.getValue("taskId") instanceof String id)) {
      m.reply(HeldCalls.encode(Future.failedFuture(notFound())));
      return;
    }
    catalogs.server(serverId).compose(server -> server.isEmpty() || !server.get().active()
            ? Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "the server running the task is "
                + "no longer available"))
            : upstreams.call(server.get(), method, new JsonObject().put("taskId", id), null,
                CallRelay.notificationsOnly(null), null).result())
        .onComplete(ar -> m.reply(HeldCalls.encode(ar)));
  }

  /** Streamable HTTP has session ids (a task is reached in its session from anywhere); stdio has not. */
  private static boolean sessionIds(UpstreamServer server) {
    return server.transport() == io.mcpgateway.model.server.Transport.STREAMABLE_HTTP;
  }

  /** Whom a task belongs to: the caller's identity; an anonymous caller has none but its session. */
  private static String owner(Exchange ex) {
    String key = ex.caller().rateKey();
    return ex.caller().isAnonymous() && ex.session() != null ? key + " " + ex.session().id() : key;
  }

  /** An upstream error naming the task by its own id ("Task not found: 5159...") names it by the caller's. */
  private static Throwable renamed(Throwable e, String upstreamId, String taskId) {
    if (!(e instanceof UpstreamRpcError rpc) || !rpc.error().getString("message", "").contains(upstreamId)) {
      return e;
    }
    JsonObject error = rpc.error();
    return new UpstreamRpcError(error.put("message", error.getString("message").replace(upstreamId, taskId)));
  }

  /** The transport's answer when the upstream session of a task no longer exists (HTTP 404). */
  private static boolean sessionEnded(Throwable e) {
    return e instanceof UpstreamRpcError rpc && rpc.error().getInteger("code", 0) == JsonRpc.INVALID_PARAMS
        && rpc.error().getString("message", "").startsWith("the upstream session");
  }

  private static GatewayException notFound() {
    return new GatewayException(ErrorCode.INVALID_INPUT, "Failed to retrieve task: Task not found");
  }

  private static String abbreviated(String id) {
    return id.length() <= 12 ? id : id.substring(0, 12) + "...";
  }

  /**
   * Messages the upstream sends about a task carry its own id in {@code _meta} (tasks §Associating Task-Related
   * Messages); the client knows the task by the gateway's id, so the id is replaced on the way.
   */
  private record RelatedTaskRelay(CallRelay inner, String upstreamId, String taskId) implements CallRelay {
    @Override
    public void notification(JsonObject notification) {
      JsonObject copy = notification.copy();
      if (copy.getValue("params") instanceof JsonObject params) {
        rename(params);
      }
      inner.notification(copy);
    }

    @Override
    public Future<JsonObject> request(ServerRequest request) {
      rename(request.params());
      return inner.request(request);
    }

    private void rename(JsonObject params) {
      if (params.getValue("_meta") instanceof JsonObject meta && meta.getValue(RELATED_TASK) instanceof JsonObject related
          && upstreamId.equals(related.getValue("taskId"))) {
        related.put("taskId", taskId);
      }
    }
  }
}
