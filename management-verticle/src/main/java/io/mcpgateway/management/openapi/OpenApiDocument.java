package io.mcpgateway.management.openapi;

import io.mcpgateway.management.http.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 description of {@code /api/v1}, built from the same route table that mounts the routes,
 * so the document cannot list a route that does not exist (a test checks the converse).
 */
public final class OpenApiDocument {
  private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");

  private OpenApiDocument() {}

  public static JsonObject build(List<Api.Operation> operations, String serverUrl) {
    JsonObject paths = new JsonObject();
    for (Api.Operation op : operations) {
      JsonObject path = paths.getJsonObject(op.path());
      if (path == null) {
        path = new JsonObject();
        paths.put(op.path(), path);
      }
      path.put(op.method().name().toLowerCase(Locale.ROOT), operation(op));
    }
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "mcp-gateway management API").put("version", "1")
            .put("description", "Register upstream MCP servers, compose presets, share them, issue API keys."))
        // A relative server URL: the document is right behind any host, port or proxy prefix it is served from.
        .put("servers", new JsonArray().add(new JsonObject().put("url", serverUrl)))
        .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
        .put("paths", paths)
        .put("components", new JsonObject()
            .put("securitySchemes", new JsonObject().put("bearer", new JsonObject().put("type", "http").put("scheme", "bearer")
                .put("description", "An API key (mgw_...) or an OAuth access token")))
            .put("schemas", Schemas.all()));
  }

  private static JsonObject operation(Api.Operation op) {
    JsonArray parameters = new JsonArray();
    Matcher m = PARAM.matcher(op.path());
    while (m.find()) {
      parameters.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true)
          .put("schema", new JsonObject().put("type", "string").put("format", "uuid")));
    }
    if (op.paged()) {
      parameters.add(new JsonObject().put("name", "limit").put("in", "query")
          .put("schema", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", 100).put("default", 50)));
      parameters.add(new JsonObject().put("name", "cursor").put("in", "query").put("schema", new JsonObject().put("type", "string")));
    }
    JsonObject responses = new JsonObject();
    JsonObject success = new JsonObject().put("description", op.summary());
    if (op.responseSchema() != null) {
      JsonObject schema = ref(op.responseSchema());
      if (op.paged()) {
        schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("items", new JsonObject().put("type", "array").put("items", schema))
            .put("nextCursor", new JsonObject().put("type", new JsonArray().add("string").add("null"))));
      }
      success.put("content", new JsonObject().put("application/json", new JsonObject().put("schema", schema)));
    }
    responses.put(String.valueOf(op.status()), success);
    for (String code : List.of("400", "401", "403", "404", "409", "422")) {
      responses.put(code, new JsonObject().put("$ref", "#/components/responses/Problem").put("description", "problem"));
    }
    responses.forEach(e -> {
      if (e.getKey().length() == 3 && !e.getKey().startsWith("2")) {
        ((JsonObject) e.getValue()).remove("$ref");
        ((JsonObject) e.getValue()).put("content", new JsonObject().put("application/problem+json",
            new JsonObject().put("schema", ref("Problem"))));
      }
    });
    JsonObject operation = new JsonObject()
        .put("tags", new JsonArray().add(op.tag()))
        .put("summary", op.summary())
        .put("operationId", op.method().name().toLowerCase(Locale.ROOT) + op.path().replaceAll("[{}/-]+", "_"))
        .put("parameters", parameters)
        .put("responses", responses);
    if (op.anonymous()) {
      operation.put("security", new JsonArray());
    }
    if (op.requestSchema() != null) {
      operation.put("requestBody", new JsonObject().put("required", true).put("content",
          new JsonObject().put("application/json", new JsonObject().put("schema",
              ref(op.method() == io.vertx.core.http.HttpMethod.PATCH ? Schemas.patchOf(op.requestSchema()) : op.requestSchema())))));
    }
    return operation;
  }

  static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", "#/components/schemas/" + schema);
  }
}
