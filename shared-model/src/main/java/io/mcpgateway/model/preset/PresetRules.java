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
  public static final int MAX_RESOURCE_URI = 2048;
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

  /** Checks a link's tool allow-list: at most 100 distinct names of 1-128 characters. */
  public static void validateAllowedTools(List<String> allowedToolNames) {
    var v = new Validator();
    allowList(v, "allowedToolNames", "tool name", allowedToolNames, MAX_TOOL_NAME);
    v.throwIfInvalid();
  }

  /**
   * Checks a link's three allow-lists (tools, prompts: names of 1-128 characters; resources: URIs or URI
   * templates of 1-2048 characters), each at most 100 distinct entries.
   */
  public static void validateAllowLists(List<String> tools, List<String> prompts, List<String> resources) {
    var v = new Validator();
    allowList(v, "allowedToolNames", "tool name", tools, MAX_TOOL_NAME);
    allowList(v, "allowedPromptNames", "prompt name", prompts, MAX_TOOL_NAME);
    allowList(v, "allowedResourceUris", "resource URI or URI template", resources, MAX_RESOURCE_URI);
    v.throwIfInvalid();
  }

  private static void allowList(Validator v, String name, String what, List<String> entries, int maxLength) {
    if (entries == null) {
      v.check(false, name, "must be a list of " + what + "s (empty = all)");
      return;
    }
    v.check(entries.size() <= MAX_ALLOWED_TOOLS, name,
        "must list at most " + MAX_ALLOWED_TOOLS + " entries (got " + entries.size() + ")");
    var seen = new HashSet<String>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      String field = name + "[" + i + "]";
      if (entry == null || entry.isBlank() || entry.length() > maxLength) {
        v.check(false, field, "must be a " + what + " of 1-" + maxLength + " characters (got "
            + (entry == null ? "nothing" : entry.length() + " characters") + ")");
      } else if (!seen.add(entry)) {
        v.check(false, field, "lists \"" + entry + "\" twice");
      }
    }
  }

  /** A preset may link at most 20 servers; linking one more is a rule violation (422), not bad input. */
  public static void checkServerCount(int linkedAfterChange) {
    if (linkedAfterChange > MAX_SERVERS) {
      throw GatewayException.ruleViolation(
          "a preset can link at most " + MAX_SERVERS + " servers; unlink one before adding another");
    }
  }
}
