package io.mcpgateway.model.preset;

import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Validator;
import java.util.HashSet;
import java.util.List;

/** The domain rules for presets and their server links; every violation names the field and the reason. */
public final class PresetRules {
  public static final int MAX_NAME = 100;
  public static final int MAX_DESCRIPTION = 500;
  public static final int MAX_SERVERS = 20;
  public static final int MAX_ALLOWED_TOOLS = 100;
  public static final int MAX_TOOL_NAME = 128;
  public static final int MAX_RATE_LIMIT = 1_000_000;

  private PresetRules() {}

  /** Checks the fields of a preset being created or replaced. */
  public static void validate(String slug, String name, String description, Integer rateLimitPerMinute) {
    var v = new Validator()
        .slug("slug", slug)
        .text("name", name, 1, MAX_NAME)
        .optionalText("description", description, MAX_DESCRIPTION);
    rateLimit(v, rateLimitPerMinute);
    v.throwIfInvalid();
  }

  static void rateLimit(Validator v, Integer rateLimitPerMinute) {
    v.check(rateLimitPerMinute == null || (rateLimitPerMinute >= 1 && rateLimitPerMinute <= MAX_RATE_LIMIT),
        "rateLimitPerMinute", "must be between 1 and " + MAX_RATE_LIMIT + " (got " + rateLimitPerMinute + ")");
  }

  /** Checks a link's allow-list: at most 100 distinct names of 1-128 characters. */
  public static void validateAllowedTools(List<String> allowedToolNames) {
    var v = new Validator();
    if (allowedToolNames == null) {
      v.check(false, "allowedToolNames", "must be a list of tool names (empty = all tools)");
    } else {
      v.check(allowedToolNames.size() <= MAX_ALLOWED_TOOLS, "allowedToolNames",
          "must list at most " + MAX_ALLOWED_TOOLS + " tools (got " + allowedToolNames.size() + ")");
      var seen = new HashSet<String>();
      for (int i = 0; i < allowedToolNames.size(); i++) {
        String tool = allowedToolNames.get(i);
        String field = "allowedToolNames[" + i + "]";
        if (tool == null || tool.isBlank() || tool.length() > MAX_TOOL_NAME) {
          v.check(false, field, "must be a tool name of 1-" + MAX_TOOL_NAME + " characters (got "
              + (tool == null ? "nothing" : tool.length() + " characters") + ")");
        } else if (!seen.add(tool)) {
          v.check(false, field, "lists \"" + tool + "\" twice");
        }
      }
    }
    v.throwIfInvalid();
  }

  /** A preset may link at most 20 servers; linking one more is a rule violation (422), not bad input. */
  public static void checkServerCount(int linkedAfterChange) {
    if (linkedAfterChange > MAX_SERVERS) {
      throw GatewayException.ruleViolation(
          "a preset can link at most " + MAX_SERVERS + " servers; unlink one before adding another");
    }
  }
}
