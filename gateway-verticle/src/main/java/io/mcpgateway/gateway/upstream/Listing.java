package io.mcpgateway.gateway.upstream;

/** The paginated lists an MCP server offers (server/tools, server/prompts, server/resources), and what names an item. */
public enum Listing {
  TOOLS("tools/list", "tools", "name", "tools"),
  PROMPTS("prompts/list", "prompts", "name", "prompts"),
  RESOURCES("resources/list", "resources", "uri", "resources"),
  RESOURCE_TEMPLATES("resources/templates/list", "resourceTemplates", "uriTemplate", "resources");

  private final String method;
  private final String resultKey;
  private final String idField;
  private final String capability;

  Listing(String method, String resultKey, String idField, String capability) {
    this.method = method;
    this.resultKey = resultKey;
    this.idField = idField;
    this.capability = capability;
  }

  public String method() {
    return method;
  }

  /** The array's key in the list result. */
  public String resultKey() {
    return resultKey;
  }

  /** The field that identifies an item: a tool's or prompt's name, a resource's URI, a template's URI template. */
  public String idField() {
    return idField;
  }

  /** The server capability under which the server offers the list. */
  public String capability() {
    return capability;
  }
}
