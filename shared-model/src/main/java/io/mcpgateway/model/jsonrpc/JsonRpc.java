package io.mcpgateway.model.jsonrpc;

import io.vertx.core.json.JsonObject;

/** JSON-RPC 2.0 envelopes. Payloads are forwarded as they are; only the envelope is built here. */
public final class JsonRpc {
  public static final String VERSION = "2.0";
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  private JsonRpc() {}

  public static JsonObject result(Object id, JsonObject result) {
    return new JsonObject().put("jsonrpc", VERSION).put("id", id).put("result", result);
  }

  public static JsonObject error(Object id, int code, String message) {
    return error(id, code, message, null);
  }

  public static JsonObject error(Object id, int code, String message, JsonObject data) {
    var error = new JsonObject().put("code", code).put("message", message);
    if (data != null) {
      error.put("data", data);
    }
    return new JsonObject().put("jsonrpc", VERSION).put("id", id).put("error", error);
  }

  public static JsonObject request(Object id, String method, JsonObject params) {
    var r = new JsonObject().put("jsonrpc", VERSION).put("id", id).put("method", method);
    if (params != null) {
      r.put("params", params);
    }
    return r;
  }

  public static JsonObject notification(String method, JsonObject params) {
    var n = new JsonObject().put("jsonrpc", VERSION).put("method", method);
    if (params != null) {
      n.put("params", params);
    }
    return n;
  }

  public static boolean isRequest(JsonObject m) {
    return m.containsKey("method") && m.containsKey("id");
  }

  public static boolean isNotification(JsonObject m) {
    return m.containsKey("method") && !m.containsKey("id");
  }

  public static boolean isResponse(JsonObject m) {
    return !m.containsKey("method") && m.containsKey("id") && (m.containsKey("result") || m.containsKey("error"));
  }
}
