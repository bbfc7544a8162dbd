package io.mcpgateway.model;

/**
 * The one error vocabulary of the gateway: each failure kind has its HTTP status, its JSON-RPC code
 * and its problem type. Crosses the event bus as {@code message.fail(code.busCode(), text)}.
 */
public enum ErrorCode {
  INVALID_INPUT(400, -32602, "invalid-input"),
  UNAUTHORIZED(401, -32001, "unauthorized"),
  FORBIDDEN(403, -32003, "forbidden"),
  NOT_FOUND(404, -32004, "not-found"),
  CONFLICT(409, -32009, "conflict"),
  PAYLOAD_TOO_LARGE(413, -32600, "payload-too-large"),
  RULE_VIOLATION(422, -32602, "rule-violation"),
  RATE_LIMITED(429, -32029, "rate-limited"),
  INTERNAL(500, -32603, "internal"),
  NOT_IMPLEMENTED(501, -32601, "not-implemented"),
  UPSTREAM_UNAVAILABLE(502, -32002, "upstream-unavailable"),
  UNAVAILABLE(503, -32005, "unavailable"),
  TIMEOUT(504, -32008, "timeout"),
  // MCP transport and JSON-RPC envelope failures (appended: bus codes follow the declaration order).
  /** The body is not JSON (JSON-RPC 2.0 §5.1). */
  PARSE_ERROR(400, -32700, "parse-error"),
  /** Not a valid JSON-RPC message, a missing Mcp-Session-Id, an unsupported protocol version or batch. */
  INVALID_REQUEST(400, -32600, "invalid-request"),
  /** The client's Accept header excludes what the transport must send. */
  NOT_ACCEPTABLE(406, -32600, "not-acceptable"),
  /** An HTTP method the MCP endpoint does not serve. */
  METHOD_NOT_ALLOWED(405, -32600, "method-not-allowed"),
  /**
   * The Mcp-Session-Id is unknown, ended, or not this caller's (transports §Session Management: 404 tells the
   * client to initialize again). Its own code, so a client can tell it from UNAUTHORIZED's -32001.
   */
  SESSION_NOT_FOUND(404, -32010, "session-not-found");

  private final int httpStatus;
  private final int jsonRpcCode;
  private final String type;

  ErrorCode(int httpStatus, int jsonRpcCode, String type) {
    this.httpStatus = httpStatus;
    this.jsonRpcCode = jsonRpcCode;
    this.type = type;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int jsonRpcCode() {
    return jsonRpcCode;
  }

  /** Problem type URI ({@code application/problem+json}). */
  public String problemType() {
    return "https://mcp-gateway.dev/problems/" + type;
  }

  public String title() {
    return switch (this) {
      case INVALID_INPUT -> "Invalid input";
      case UNAUTHORIZED -> "Authentication required";
      case FORBIDDEN -> "Forbidden";
      case NOT_FOUND -> "Not found";
      case CONFLICT -> "Conflict";
      case PAYLOAD_TOO_LARGE -> "Payload too large";
      case RULE_VIOLATION -> "Rule violation";
      case RATE_LIMITED -> "Rate limit exceeded";
      case INTERNAL -> "Internal error";
      case NOT_IMPLEMENTED -> "Not implemented";
      case UPSTREAM_UNAVAILABLE -> "Upstream unavailable";
      case UNAVAILABLE -> "Service unavailable";
      case TIMEOUT -> "Timeout";
      case PARSE_ERROR -> "Parse error";
      case INVALID_REQUEST -> "Invalid request";
      case NOT_ACCEPTABLE -> "Not acceptable";
      case METHOD_NOT_ALLOWED -> "Method not allowed";
      case SESSION_NOT_FOUND -> "Session not found";
    };
  }

  /** The failure code used with {@code Message.fail}: the HTTP status, unique per kind but for 400/422. */
  public int busCode() {
    return 1000 + ordinal();
  }

  public static ErrorCode fromBusCode(int code) {
    int i = code - 1000;
    return i >= 0 && i < values().length ? values()[i] : INTERNAL;
  }
}
