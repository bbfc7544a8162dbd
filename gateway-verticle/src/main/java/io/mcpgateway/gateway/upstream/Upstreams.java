package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.server.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** Node-wide access to upstream MCP servers: one pooled connection per server, shared by every caller. */
public interface Upstreams {
  /** The server's tools as the upstream lists them (cached until it sends {@code tools/list_changed}). */
  Future<List<JsonObject>> listTools(UpstreamServer server);

  /**
   * Calls a tool. {@code meta} is the caller's {@code params._meta} (may carry a progressToken) or null;
   * {@code onNotification} receives the progress and log notifications the upstream sends for this call,
   * with the caller's progress token restored.
   */
  UpstreamCall callTool(UpstreamServer server, String toolName, JsonObject arguments, JsonObject meta,
      Handler<JsonObject> onNotification);

  /** Called with a server's id after it announced {@code notifications/tools/list_changed}. */
  void onToolListChanged(Consumer<UUID> listener);

  /** Closes the server's connection and forgets its tools and breaker (its configuration changed). */
  Future<Void> evict(UUID serverId);

  Future<Void> close();
}
