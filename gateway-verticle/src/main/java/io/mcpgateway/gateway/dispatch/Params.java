package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.catalog.ToolCatalog;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Request parameter checks: failures are JSON-RPC -32602 with a message saying what was wrong. */
final class Params {
  private Params() {}

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: " + message);
  }

  /** The optional pagination cursor (server/utilities/pagination). */
  static String cursor(JsonObject params) {
    Object cursor = params.getValue("cursor");
    if (cursor != null && !(cursor instanceof String)) {
      throw invalid("cursor must be a string");
    }
    return (String) cursor;
  }

  /**
   * When some linked servers could not be listed, the unknown item may well be one of theirs: say which servers
   * are missing and why, so the caller is not left guessing between a typo and an outage.
   */
  static String unlisted(List<ToolCatalog.Unavailable> unavailable) {
    if (unavailable.isEmpty()) {
      return "";
    }
    List<String> down = unavailable.stream().map(u -> u.serverSlug() + " (" + u.error() + ")").toList();
    return "; these servers are unavailable right now: " + String.join(", ", down);
  }
}
