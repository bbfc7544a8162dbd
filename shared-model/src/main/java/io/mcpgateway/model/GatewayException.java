package io.mcpgateway.model;

import java.util.List;

/**
 * A typed, expected failure. Carries no stack trace: these are frequent (bad input, denied access,
 * rate limits) and are mapped to a response at the edge, never logged as crashes.
 */
public class GatewayException extends RuntimeException {
  private final ErrorCode code;
  private final List<FieldError> fieldErrors;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public GatewayException(ErrorCode code, String message, List<FieldError> fieldErrors) {
    super(message, null, false, false);
    this.code = code;
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  public static GatewayException notFound(String what) {
    return new GatewayException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static GatewayException conflict(String message) {
    return new GatewayException(ErrorCode.CONFLICT, message);
  }

  public static GatewayException invalid(List<FieldError> errors) {
    String summary = errors.size() == 1
        ? errors.get(0).field() + ": " + errors.get(0).reason()
        : errors.size() + " fields are invalid";
    return new GatewayException(ErrorCode.INVALID_INPUT, summary, errors);
  }

  public static GatewayException ruleViolation(String message) {
    return new GatewayException(ErrorCode.RULE_VIOLATION, message);
  }
}
