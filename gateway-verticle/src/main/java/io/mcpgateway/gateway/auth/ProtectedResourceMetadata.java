package io.mcpgateway.gateway.auth;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.http.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for each preset endpoint, as the MCP authorization spec
 * requires: tells a client which authorization server issues tokens for {@code {publicUrl}/mcp/{slug}}.
 */
public final class ProtectedResourceMetadata {
  public static final String PATH = "/.well-known/oauth-protected-resource";

  private final GatewayConfig config;
  private final CatalogService catalogs;

  public ProtectedResourceMetadata(GatewayConfig config, CatalogService catalogs) {
    this.config = config;
    this.catalogs = catalogs;
  }

  /** Where the metadata of the preset resource {@code {publicUrl}/mcp/{slug}} lives (RFC 9728 §3.1). */
  public static String url(java.net.URI publicUrl, String slug) {
    return publicUrl + PATH + "/mcp/" + slug;
  }

  public void mount(Router router) {
    if (config.security().oauthIssuer().isEmpty()) {
      // RFC 9728 metadata must name an authorization server (MCP 2026-07-28 §Authorization Server Location);
      // without one there is nothing to publish, and the 401 challenge does not point here.
      router.get(PATH).handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no authorization server is configured"));
      router.get(PATH + "/*").handler(ctx -> Problems.send(ctx, ErrorCode.NOT_FOUND, "no authorization server is configured"));
      return;
    }
    router.get(PATH).handler(ctx -> send(ctx, config.http().publicUrl().toString(), "mcp-gateway"));
    router.get(PATH + "/mcp/:slug").handler(ctx -> {
      String slug = ctx.pathParam("slug");
      catalogs.presetBySlug(slug).onComplete(ar -> {
        if (ar.failed() || ar.result().isEmpty() || !ar.result().get().active()) {
          Problems.send(ctx, ErrorCode.NOT_FOUND, "no active preset \"" + slug + "\"");
        } else {
          send(ctx, config.http().publicUrl() + "/mcp/" + slug, ar.result().get().name());
        }
      });
    });
  }

  private void send(RoutingContext ctx, String resource, String name) {
    JsonObject metadata = new JsonObject()
        .put("resource", resource)
        .put("resource_name", name)
        .put("bearer_methods_supported", new JsonArray().add("header"));
    metadata.put("authorization_servers", new JsonArray().add(config.security().oauthIssuer().orElseThrow().toString()));
    if (!config.security().oauth().requiredScopes().isEmpty()) {
      metadata.put("scopes_supported", new JsonArray(config.security().oauth().requiredScopes()));
    }
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=300")
        .end(metadata.encode());
  }
}
