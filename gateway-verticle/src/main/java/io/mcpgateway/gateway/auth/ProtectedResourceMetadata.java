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

  public void mount(Router router) {
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
    config.security().oauthIssuer().ifPresent(issuer ->
        metadata.put("authorization_servers", new JsonArray().add(issuer.toString())));
    if (!config.security().oauth().requiredScopes().isEmpty()) {
      metadata.put("scopes_supported", new JsonArray(config.security().oauth().requiredScopes()));
    }
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=300")
        .end(metadata.encode());
  }
}
