package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.preset.Preset;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Answers MCP messages for a preset, independent of the transport that carried them: (preset, caller,
 * session, message) in, a {@code Future} of the JSON-RPC result out (a failure is a {@link GatewayException}
 * or an upstream's own JSON-RPC error, turned into the error response by the transport), notifications for
 * the client through the exchange's {@link ClientChannel}. The 2025-era Streamable HTTP transport
 * ({@code gateway.endpoint}) is one caller; another protocol era plugs in beside it.
 */
public final class McpDispatcher {
  private final ToolMethods tools;
  private final Upstreams upstreams;

  public McpDispatcher(Vertx vertx, CatalogService catalogs, Upstreams upstreams) {
    this.upstreams = upstreams;
    this.tools = new ToolMethods(catalogs, upstreams, new ToolCallRecorder(vertx));
  }

  /** lifecycle §Initialization: negotiates the version and says what the preset offers. Creates no session. */
  public Future<Initialized> initialize(Preset preset, JsonObject params) {
    if (params == null || !(params.getValue("protocolVersion") instanceof String requested)) {
      return Future.failedFuture(Params.invalid("initialize needs params.protocolVersion"));
    }
    String version = ProtocolVersions.negotiate(requested);
    JsonObject serverInfo = new JsonObject().put("name", "mcp-gateway/" + preset.slug()).put("version", "0.1.0");
    if (ProtocolVersions.hasTitles(version)) {
      serverInfo.put("title", preset.name());
    }
    JsonObject result = new JsonObject()
        .put("protocolVersion", version)
        .put("capabilities", new JsonObject().put("tools", new JsonObject().put("listChanged", true))
            .put("logging", new JsonObject()))
        .put("serverInfo", serverInfo);
    if (preset.description() != null && !preset.description().isBlank()) {
      result.put("instructions", preset.description());
    }
    return Future.succeededFuture(new Initialized(version, params.getJsonObject("clientInfo", new JsonObject()),
        params.getJsonObject("capabilities", new JsonObject()), result));
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
    return switch (method) {
      case "ping" -> Future.succeededFuture(new JsonObject());
      case "logging/setLevel" -> setLevel(ex.session(), params);
      case "tools/list" -> tools.list(ex, params);
      case "tools/call" -> tools.call(ex, id, params);
      default -> Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED, "Method not found: " + method));
    };
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
