package io.mcpgateway.model.server;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Credentials the gateway presents to an upstream: HTTP headers (e.g. Authorization) and, for stdio
 * servers, environment variables. Stored sealed; never returned in full by the API.
 */
public record UpstreamSecrets(Map<String, String> headers, Map<String, String> env) {
  public static final UpstreamSecrets NONE = new UpstreamSecrets(Map.of(), Map.of());

  public UpstreamSecrets {
    headers = Map.copyOf(headers);
    env = Map.copyOf(env);
  }

  public boolean isEmpty() {
    return headers.isEmpty() && env.isEmpty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("headers", new JsonObject(new TreeMap<>(headers)))
        .put("env", new JsonObject(new TreeMap<>(env)));
  }

  public static UpstreamSecrets fromJson(JsonObject json) {
    return new UpstreamSecrets(strings(json.getJsonObject("headers")), strings(json.getJsonObject("env")));
  }

  /** The same names with each value masked to its first characters: {@code "Bearer s…"}. */
  public JsonObject masked() {
    return new JsonObject().put("headers", mask(headers)).put("env", mask(env));
  }

  private static JsonObject mask(Map<String, String> values) {
    var out = new JsonObject();
    new TreeMap<>(values).forEach((k, v) -> out.put(k, v.length() <= 8 ? "***" : v.substring(0, 4) + "***"));
    return out;
  }

  private static Map<String, String> strings(JsonObject json) {
    var out = new TreeMap<String, String>();
    if (json != null) {
      json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }
}
