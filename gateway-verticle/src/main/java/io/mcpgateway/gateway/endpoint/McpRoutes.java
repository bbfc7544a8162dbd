package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.gateway.auth.BearerChallenge;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.gateway.ratelimit.RateLimitHandler;
import io.mcpgateway.model.identity.AccessPolicy;
import io.mcpgateway.model.identity.BearerAuthenticator;
import io.mcpgateway.model.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Mounts {@code /mcp/{slug}}: platform guards (origin, protocol version) → preset → authenticate → authorize
 * → body (limit) → rate limit → the endpoint. Order matters: nothing reaches an upstream before every step passed.
 */
public final class McpRoutes {
  private McpRoutes() {}

  public static void mount(Router router, GatewayConfig config, CatalogService catalogs, StreamableHttpEndpoint endpoint,
      BearerAuthenticator authenticator, AccessPolicy policy, RateLimitHandler rateLimit) {
    var scopes = config.security().oauth().requiredScopes();
    var challenge = new BearerChallenge(config);
    String path = "/mcp/:slug";
    var addresses = new ClientAddress(config.trustedProxies());
    var body = BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes());
    router.route(path)
        // The body is read only once the caller is known: paused here (TCP back-pressure holds it in the
        // client's socket), resumed by the BodyHandler after authenticate and authorize. A 401/403/404 costs
        // no 4 MiB buffer.
        .handler(ctx -> {
          ctx.request().pause();
          ctx.next();
        })
        .handler(new OriginGuard(config.http()))
        .handler(RequestSteps.protocolVersion())
        .handler(RequestSteps.preset(catalogs))
        .handler(RequestSteps.authenticate(authenticator, addresses, config.http().publicUrl(), scopes, challenge))
        .handler(RequestSteps.authorize(policy, challenge))
        // Wrapped: Vert.x Web refuses a BodyHandler after other handlers unless the request was paused, as it is.
        .handler(ctx -> body.handle(ctx))
        .handler(rateLimit)
        .failureHandler(McpRoutes::failure);
    router.post(path).handler(endpoint::post);
    router.get(path).handler(endpoint::get);
    router.delete(path).handler(endpoint::delete);
    router.route(path).handler(ctx -> {
      ctx.response().putHeader("Allow", "GET, POST, DELETE");
      McpReplies.failure(ctx, ErrorCode.METHOD_NOT_ALLOWED, "Method Not Allowed: use POST, GET or DELETE");
    });
  }

  private static void failure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      McpReplies.failure(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds the size limit");
    } else if (ctx.failure() != null) {
      McpReplies.failure(ctx, ctx.failure());
    } else {
      McpReplies.failure(ctx, ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ErrorCode.INVALID_REQUEST
          : ErrorCode.INTERNAL, "Request failed");
    }
  }
}
