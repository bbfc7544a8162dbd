package io.mcpgateway.management.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the management API's bodies. */
final class Schemas {
  private Schemas() {}

  /** The name of the PATCH variant of an input schema: the same fields, none required. */
  static String patchOf(String input) {
    return input.replace("Input", "Patch");
  }

  static JsonObject all() {
    JsonObject all = inputs();
    for (String input : java.util.List.copyOf(all.fieldNames())) {
      if (input.endsWith("Input")) {
        JsonObject patch = all.getJsonObject(input).copy();
        patch.remove("required");
        all.put(patchOf(input), patch);
      }
    }
    return all;
  }

  /** Renamed and hidden items of a catalog ({@code name} is null for a hidden one). */
  private static JsonObject notes() {
    return array(object(new JsonObject().put("name", str()).put("originalName", str()).put("serverSlug", str())
        .put("reason", str())));
  }

  /** Linked servers that could not be listed. */
  private static JsonObject unavailable() {
    return array(object(new JsonObject().put("serverId", uuid()).put("serverSlug", str()).put("error", str())));
  }

  private static JsonObject inputs() {
    return new JsonObject()
        .put("Problem", object(new JsonObject().put("type", str()).put("title", str()).put("status", integer())
            .put("detail", str()).put("errors", array(object(new JsonObject().put("field", str()).put("reason", str()))))))
        .put("ServerInput", object(new JsonObject()
            .put("slug", str().put("pattern", "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$").put("minLength", 3).put("maxLength", 50))
            .put("name", str().put("minLength", 1).put("maxLength", 100))
            .put("description", str().put("maxLength", 500))
            .put("transport", new JsonObject().put("enum", new JsonArray().add("streamable_http").add("sse").add("stdio")))
            .put("url", str().put("format", "uri"))
            .put("command", str()).put("args", array(str()))
            .put("headers", stringMap()).put("env", stringMap())
            .put("toolCallTimeoutMs", integer())
            .put("status", new JsonObject().put("enum", new JsonArray().add("active").add("disabled"))))
            .put("required", new JsonArray().add("slug").add("name").add("transport")))
        .put("Server", object(new JsonObject().put("id", uuid()).put("slug", str()).put("name", str())
            .put("transport", str()).put("url", str()).put("command", str()).put("args", array(str()))
            .put("headers", stringMap().put("description", "values masked")).put("env", stringMap())
            .put("ownerId", uuid()).put("status", str()).put("toolCallTimeoutMs", integer())
            .put("createdAt", time()).put("updatedAt", time())))
        .put("PresetInput", object(new JsonObject()
            .put("slug", str().put("pattern", "^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$").put("minLength", 3).put("maxLength", 50))
            .put("name", str().put("minLength", 1).put("maxLength", 100))
            .put("description", str().put("maxLength", 500))
            .put("visibility", new JsonObject().put("enum", new JsonArray().add("public").add("private").add("invite_only")))
            .put("status", new JsonObject().put("enum", new JsonArray().add("active").add("disabled").add("archived")))
            .put("rateLimitPerMinute", integer().put("minimum", 1))
            .put("metadata", new JsonObject().put("type", "object")))
            .put("required", new JsonArray().add("slug").add("name").add("visibility")))
        .put("Preset", object(new JsonObject().put("id", uuid()).put("slug", str()).put("name", str())
            .put("description", str()).put("visibility", str()).put("status", str()).put("rateLimitPerMinute", integer())
            .put("ownerId", uuid()).put("servers", array(object(new JsonObject().put("serverId", uuid())
                .put("serverSlug", str()).put("enabled", bool()).put("allowedToolNames", array(str()))
                .put("allowedPromptNames", array(str())).put("allowedResourceUris", array(str())))))))
        .put("PresetServerInput", object(new JsonObject().put("enabled", bool())
            .put("allowedToolNames", array(str().put("maxLength", 128)).put("maxItems", 100)
                .put("description", "tools exposed; empty or missing = all"))
            .put("allowedPromptNames", array(str().put("maxLength", 128)).put("maxItems", 100)
                .put("description", "prompts exposed; empty or missing = all"))
            .put("allowedResourceUris", array(str().put("maxLength", 2048)).put("maxItems", 100)
                .put("description", "resource URIs and resource-template URIs exposed (a URI matching a listed template"
                    + " is readable); empty or missing = all; hidden items are neither listed nor readable"))))
        .put("Catalog", object(new JsonObject()
            .put("tools", array(object(new JsonObject().put("name", str()).put("originalName", str())
                .put("serverId", uuid()).put("serverSlug", str()).put("description", str()))))
            .put("notes", notes()).put("unavailable", unavailable())))
        .put("ToolList", object(new JsonObject().put("tools", array(new JsonObject().put("type", "object")))))
        .put("PromptList", object(new JsonObject().put("prompts", array(new JsonObject().put("type", "object")
            .put("description", "an MCP Prompt as the upstream lists it")))))
        .put("ResourceList", object(new JsonObject()
            .put("resources", array(new JsonObject().put("type", "object").put("description", "an MCP Resource as the upstream lists it")))
            .put("resourceTemplates", array(new JsonObject().put("type", "object")
                .put("description", "an MCP ResourceTemplate as the upstream lists it")))))
        .put("PromptCatalog", object(new JsonObject()
            .put("prompts", array(object(new JsonObject().put("name", str().put("description", "as clients see it"))
                .put("originalName", str()).put("serverId", uuid()).put("serverSlug", str()).put("description", str()))))
            .put("notes", notes()).put("unavailable", unavailable())))
        .put("ResourceCatalog", object(new JsonObject()
            .put("resources", array(object(new JsonObject().put("uri", str().put("description", "as clients see it"))
                .put("originalUri", str()).put("name", str()).put("serverId", uuid()).put("serverSlug", str())
                .put("description", str()).put("mimeType", str()))))
            .put("resourceTemplates", array(object(new JsonObject().put("uriTemplate", str().put("description", "as clients see it"))
                .put("originalUriTemplate", str()).put("name", str()).put("serverId", uuid()).put("serverSlug", str())
                .put("description", str()).put("mimeType", str()))))
            .put("notes", notes()).put("unavailable", unavailable())))
        .put("AccessGrantInput", object(new JsonObject().put("principalId", uuid())).put("required", new JsonArray().add("principalId")))
        .put("AccessGrant", object(new JsonObject().put("presetId", uuid()).put("principalId", uuid())
            .put("grantedBy", uuid()).put("grantedAt", time())))
        .put("ApiKeyInput", object(new JsonObject().put("name", str().put("minLength", 1).put("maxLength", 100)).put("presetIds", array(uuid()))
            .put("expiresAt", time()).put("principalId", uuid())).put("required", new JsonArray().add("name")))
        .put("ApiKey", object(new JsonObject().put("id", uuid()).put("name", str()).put("prefix", str())
            .put("principalId", uuid()).put("presetIds", array(uuid())).put("expiresAt", time())
            .put("revokedAt", time()).put("createdAt", time()).put("lastUsedAt", time())))
        .put("ApiKeyCreated", object(new JsonObject().put("id", uuid()).put("key", str().put("description", "shown once"))
            .put("prefix", str())))
        .put("AuditEvent", object(new JsonObject().put("id", integer()).put("type", str()).put("actorId", uuid())
            .put("data", new JsonObject().put("type", "object")).put("occurredAt", time())))
        .put("Stats", statsSchema())
        .put("ServerStatus", object(new JsonObject().put("serverId", uuid())
            .put("circuit", new JsonObject().put("enum", new JsonArray().add("closed").add("open").add("half_open")))
            .put("openInstances", integer()).put("halfOpenInstances", integer())))
        .put("ConsoleConfig", object(new JsonObject().put("mcpBaseUrl", str().put("format", "uri"))
            .put("mcpPathTemplate", str())
            .put("oauth", new JsonObject().put("type", new JsonArray().add("object").add("null")).put("properties", new JsonObject()
                .put("issuer", str()).put("clientId", str()).put("audience", str()).put("scopes", array(str()))))))
        .put("Principal", object(new JsonObject().put("id", uuid()).put("issuer", str()).put("subject", str())
            .put("email", str()).put("displayName", str()).put("admin", bool())))
        .put("PrincipalInput", object(new JsonObject().put("subject", str()).put("email", str())
            .put("displayName", str()).put("admin", bool())).put("required", new JsonArray().add("subject")));
  }

  private static JsonObject statsSchema() {
    JsonObject latency = new JsonObject().put("p50", num()).put("p95", num()).put("p99", num());
    return object(new JsonObject().put("presetId", uuid()).put("from", time()).put("to", time()).put("bucket", str())
        .put("totals", object(new JsonObject().put("calls", integer()).put("ok", integer()).put("errors", integer())
            .put("successRate", num()).put("latencyMs", object(latency.copy().put("avg", num())))))
        .put("tools", array(object(latency.copy().put("tool", str()).put("calls", integer()).put("errors", integer())
            .put("successRate", num()))))
        .put("servers", array(object(latency.copy().put("serverId", uuid()).put("serverSlug", str()).put("calls", integer())
            .put("errors", integer()).put("successRate", num()))))
        .put("callers", array(object(new JsonObject().put("principal", str()).put("displayName", str())
            .put("calls", integer()).put("errors", integer()))))
        .put("topErrors", array(object(new JsonObject().put("code", str()).put("count", integer()).put("sample", str()))))
        .put("series", array(object(latency.copy().put("at", time()).put("calls", integer()).put("errors", integer())))));
  }

  private static JsonObject num() {
    return new JsonObject().put("type", new JsonArray().add("number").add("null"));
  }

  private static JsonObject object(JsonObject properties) {
    return new JsonObject().put("type", "object").put("properties", properties);
  }

  private static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  private static JsonObject str() {
    return new JsonObject().put("type", "string");
  }

  private static JsonObject integer() {
    return new JsonObject().put("type", "integer");
  }

  private static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  private static JsonObject uuid() {
    return new JsonObject().put("type", "string").put("format", "uuid");
  }

  private static JsonObject time() {
    return new JsonObject().put("type", "string").put("format", "date-time");
  }

  private static JsonObject stringMap() {
    return new JsonObject().put("type", "object").put("additionalProperties", str());
  }
}
