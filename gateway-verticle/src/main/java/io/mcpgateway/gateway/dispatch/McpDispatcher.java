package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.catalog.FeatureCatalog;
import io.mcpgateway.gateway.catalog.ToolCatalog;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.session.SessionRegistry;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Answers MCP messages for a preset, independent of the transport that carried them: (preset, caller,
 * session, message) in, a {@code Future} of the JSON-RPC result out (a failure is a {@link GatewayException}
 * or an upstream's own JSON-RPC error, turned into the error response by the transport), notifications for
 * the client through the exchange's {@link ClientChannel}. The 2025-era Streamable HTTP transport
 * ({@code gateway.endpoint}) is one caller; another protocol era plugs in beside it.
 */
public final class McpDispatcher {
  private final CatalogService catalogs;
  private final SessionRegistry sessions;
  private final ToolMethods tools;
  private final TaskMethods tasks;
  private final Upstreams upstreams;
  private final PromptMethods prompts;
  private final ResourceMethods resources;
  private final CompletionMethods completions;
  private final ListenFilter listens;
  /** Null: nothing holds a modern caller's request while a 2025-era upstream waits for its input. */
  private final HeldCalls held;
  /** MCP 2026-07-28 basic/patterns/mrtr §Supported Requests: the requests that may answer input_required. */
  private static final java.util.Set<String> HOLDABLE = java.util.Set.of("tools/call", "prompts/get", "resources/read");

  /**
   * {@code held}: where this instance holds modern callers' calls while 2025-era upstreams wait for their input
   * (null: such upstream requests are refused). {@code taskIds}: the sealed ids of tasks (key shared by the node's
   * instances and every node).
   */
  public McpDispatcher(Vertx vertx, CatalogService catalogs, Upstreams upstreams, SessionRegistry sessions,
      HeldCalls held, TaskIds taskIds) {
    this.upstreams = upstreams;
    this.catalogs = catalogs;
    this.sessions = sessions;
    Forwarder forwarder = new Forwarder(catalogs, upstreams, held);
    this.held = held;
    this.tasks = new TaskMethods(vertx, catalogs, upstreams, taskIds);
    this.tools = new ToolMethods(catalogs, forwarder, new ToolCallRecorder(vertx), tasks);
    this.prompts = new PromptMethods(catalogs, forwarder);
    this.resources = new ResourceMethods(vertx, catalogs, forwarder, sessions);
    this.completions = new CompletionMethods(catalogs, forwarder);
    this.listens = new ListenFilter(catalogs, forwarder);
    sessions.onEnded(s -> resources.sessionEnded(s.id()));
    sessions.onEndedId(resources::sessionEnded);
  }

  /** Hands the tool calls recorded so far to the metrics verticle (the instance is stopping). */
  public void flushMetrics() {
    tools.flushMetrics();
  }

  /** lifecycle §Initialization: negotiates the version and says what the preset offers. Creates no session. */
  public Future<Initialized> initialize(Preset preset, JsonObject params) {
    if (params == null || !(params.getValue("protocolVersion") instanceof String requested)) {
      return Future.failedFuture(Params.invalid("initialize needs params.protocolVersion"));
    }
    // lifecycle §Initialization: clientInfo is an Implementation object, capabilities a ClientCapabilities object.
    for (String field : java.util.List.of("clientInfo", "capabilities")) {
      if (params.getValue(field) != null && !(params.getValue(field) instanceof JsonObject)) {
        return Future.failedFuture(Params.invalid("initialize params." + field + " must be an object"));
      }
    }
    String version = ProtocolVersions.negotiate(requested);
    JsonObject serverInfo = new JsonObject().put("name", "mcp-gateway/" + preset.slug()).put("version", "0.1.0");
    if (ProtocolVersions.hasTitles(version)) {
      serverInfo.put("title", preset.name());
    }
    JsonObject clientInfo = params.getValue("clientInfo") instanceof JsonObject c ? c : new JsonObject();
    JsonObject clientCapabilities = params.getValue("capabilities") instanceof JsonObject c ? c : new JsonObject();
    // Capabilities advertised honestly: the union of what the linked servers offer (FeatureCatalog#capabilities),
    // and tasks (2025-11-25 only) when some linked server's tasks are relayed (ToolCatalog#tasksCapability).
    return Future.all(catalogs.features(preset), catalogs.catalog(preset)).map(both -> {
      FeatureCatalog features = both.resultAt(0);
      JsonObject capabilities = features.capabilities();
      JsonObject taskCapability = ((ToolCatalog) both.resultAt(1)).tasksCapability();
      if (taskCapability != null && ProtocolVersions.hasTasks(version)) {
        capabilities.put("tasks", taskCapability);
      }
      JsonObject result = new JsonObject()
          .put("protocolVersion", version)
          .put("capabilities", capabilities)
          .put("serverInfo", serverInfo);
      String instructions = features.instructions(preset);
      if (!instructions.isEmpty()) {
        result.put("instructions", instructions);
      }
      return new Initialized(version, clientInfo, clientCapabilities, result);
    });
  }

  /**
   * MCP 2026-07-28 server/discover: every version the gateway speaks, the preset's capabilities (the same as
   * initialize advertises) and instructions, cacheable like the lists.
   */
  public Future<JsonObject> discover(Preset preset) {
    return catalogs.features(preset).map(features -> {
      JsonObject result = new JsonObject()
          .put("supportedVersions", new JsonArray(ProtocolVersions.ALL))
          .put("capabilities", features.capabilities())
          .put("ttlMs", CatalogService.CATALOG_TTL.toMillis())
          .put("cacheScope", CatalogService.cacheScope(preset));
      String instructions = features.instructions(preset);
      if (!instructions.isEmpty()) {
        result.put("instructions", instructions);
      }
      return result;
    });
  }

  /**
   * MCP 2026-07-28 {@code subscriptions/listen}: the part of {@code filter} the preset honours, with the resource
   * subscriptions it needs held upstream until {@link #stopListening}.
   */
  public Future<Listening> listen(Preset preset, JsonObject filter) {
    return listens.open(preset, filter);
  }

  /** Which listen streams of the preset, as it is now, are still served as they were acknowledged. */
  public Future<java.util.function.Predicate<Listening>> stillServed(Preset preset) {
    return listens.stillServed(preset);
  }

  /** The listen stream ended: its upstream resource subscriptions are released. */
  public void stopListening(Listening listening) {
    listens.close(listening.watches());
  }

  /** The gateway's identity for a preset ({@code serverInfo}). */
  public static JsonObject serverInfo(Preset preset, boolean titled) {
    JsonObject info = new JsonObject().put("name", "mcp-gateway/" + preset.slug()).put("version", "0.1.0");
    if (titled) {
      info.put("title", preset.name());
    }
    return info;
  }

  /** Answers one request (not {@code initialize}); the future never fails with anything but a mapped failure. */
  public Future<JsonObject> request(Exchange ex, JsonObject request) {
    Object id = request.getValue("id");
    String method = request.getString("method");
    Object rawParams = request.getValue("params");
    if (rawParams != null && !(rawParams instanceof JsonObject)) {
      return Future.failedFuture(Params.invalid("params must be an object"));
    }
    JsonObject params = rawParams == null ? new JsonObject() : (JsonObject) rawParams;
    if (ex.session() == null && held != null && HOLDABLE.contains(method) && HeldCallStates.ours(params.getValue("requestState"))) {
      // The retry of a request the gateway holds while a 2025-era upstream waits for input: answered where it is held.
      return held.resume(ex, Forwarder.target(method, params), params);
    }
    try {
      return switch (method) {
        case "server/discover" -> discover(ex.preset());
        case "ping" -> Future.succeededFuture(new JsonObject());
        case "logging/setLevel" -> setLevel(ex.session(), params);
        case "tools/list" -> tools.list(ex, params);
        case "tools/call" -> tools.call(ex, id, params);
        case "prompts/list" -> prompts.list(ex, params);
        case "prompts/get" -> prompts.get(ex, id, params);
        case "resources/list" -> resources.list(ex, params);
        case "resources/templates/list" -> resources.templates(ex, params);
        case "resources/read" -> resources.read(ex, id, params);
        case "resources/subscribe" -> resources.subscribe(ex, params);
        case "resources/unsubscribe" -> resources.unsubscribe(ex, params);
        case "completion/complete" -> completions.complete(ex, id, params);
        // MCP 2025-11-25 tasks; a 2026-07-28 client (no session) gets none: that era moved them to an extension.
        case "tasks/get", "tasks/result", "tasks/cancel", "tasks/list" -> ex.session() == null
            ? Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "Method not found: " + method))
            : tasks.request(ex, id, method, params);
        default -> Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "Method not found: " + method));
      };
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A notification from an upstream's shared session: a resource update goes to exactly the sessions that
   * subscribed to it; a list change drops the cached lists and tells the sessions of every preset using the server.
   */
  public void upstreamNotification(UUID serverId, JsonObject notification) {
    switch (notification.getString("method")) {
      case "notifications/resources/updated" -> resources.updated(serverId, notification)
          .forEach(sessions::deliver);
      case "notifications/resources/list_changed", "notifications/prompts/list_changed" ->
          catalogs.featuresChanged(serverId);
      default -> { }
    }
  }

  /** A notification from the client; unknown ones are ignored (JSON-RPC: notifications get no answer). */
  public void notification(Exchange ex, JsonObject notification) {
    JsonObject params = notification.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    switch (notification.getString("method")) {
      case "notifications/initialized" -> ex.session().markInitialized();
      case "notifications/cancelled" -> ex.session().cancel(params.getValue("requestId"), params.getString("reason"));
      // client/roots §Root List Changes: the upstreams that asked this client for roots should ask again.
      case "notifications/roots/list_changed" -> upstreams.rootsChanged(ex.session().id());
      default -> { }
    }
  }

  /**
   * A JSON-RPC response from the client: its answer to a request an upstream raised (sampling, elicitation,
   * roots), matched by the session's own request id and passed on to that upstream; unknown ids are ignored.
   */
  public void response(Exchange ex, JsonObject response) {
    ex.session().answer(response);
  }

  /** server/utilities/logging: the session's minimum level for log messages relayed from upstreams. */
  private static Future<JsonObject> setLevel(Session session, JsonObject params) {
    if (!(params.getValue("level") instanceof String level) || !Session.LOG_LEVELS.contains(level)) {
      return Future.failedFuture(Params.invalid("level must be one of " + String.join(", ", Session.LOG_LEVELS)));
    }
    session.logLevel(level);
    return Future.succeededFuture(new JsonObject());
  }
}
