package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.gateway.session.Session;
import io.vertx.core.json.JsonObject;

/**
 * MCP 2026-07-28 server/utilities/logging: a modern request sets its own minimum log level in
 * {@code _meta["io.modelcontextprotocol/logLevel"]}; without it the client gets no log messages at all.
 */
final class LogLevels {
  private LogLevels() {}

  static boolean wanted(JsonObject meta, JsonObject notification) {
    if (!"notifications/message".equals(notification.getString("method"))) {
      return true;
    }
    int min = meta == null || !(meta.getValue(RequestMeta.LOG_LEVEL) instanceof String level) ? -1
        : Session.LOG_LEVELS.indexOf(level);
    if (min < 0) {
      return false;
    }
    JsonObject params = notification.getJsonObject("params");
    return (params == null ? 0 : Session.LOG_LEVELS.indexOf(params.getString("level", "debug"))) >= min;
  }
}
