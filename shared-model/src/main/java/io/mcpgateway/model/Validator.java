package io.mcpgateway.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects field errors so a caller hears about every invalid field at once. */
public final class Validator {
  public static final Pattern SLUG = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");

  private final List<FieldError> errors = new ArrayList<>();

  public Validator slug(String field, String value) {
    if (value == null || value.length() < 3 || value.length() > 50 || !SLUG.matcher(value).matches()) {
      errors.add(new FieldError(field,
          "must be 3-50 characters of a-z, 0-9 and '-', not starting or ending with '-' (got " + quote(value) + ")"));
    }
    return this;
  }

  public Validator text(String field, String value, int min, int max) {
    if (value == null || value.strip().length() < min || value.length() > max) {
      String range = min == 0 ? "at most " + max + " characters" : min + "-" + max + " characters";
      errors.add(new FieldError(field, "must be " + range + " (got " + describeLength(value) + ")"));
    }
    return this;
  }

  public Validator optionalText(String field, String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new FieldError(field, "must be at most " + max + " characters (got " + value.length() + ")"));
    }
    return this;
  }

  public Validator check(boolean ok, String field, String reason) {
    if (!ok) {
      errors.add(new FieldError(field, reason));
    }
    return this;
  }

  public Validator add(FieldError error) {
    errors.add(error);
    return this;
  }

  public List<FieldError> errors() {
    return List.copyOf(errors);
  }

  /** Throws {@link GatewayException} with {@link ErrorCode#INVALID_INPUT} listing every collected error. */
  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
  }

  static String quote(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return "\"" + shown + "\"";
  }

  private static String describeLength(String value) {
    return value == null ? "nothing" : value.length() + " characters";
  }
}
