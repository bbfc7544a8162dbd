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
  TIMEOUT(504, -32008, "timeout");

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
