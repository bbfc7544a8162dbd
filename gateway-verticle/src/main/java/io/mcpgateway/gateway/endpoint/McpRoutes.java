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
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Mounts {@code /mcp/{slug}}: platform guards (origin, protocol version) → preset → authenticate → authorize
 * → body (limit) → rate limit → the endpoint. Order matters: nothing reaches an upstream before every step passed.
 */
public final class McpRoutes {
  private McpRoutes() {}

  public static void mount(Router router, GatewayConfig config, CatalogService catalogs, StreamableHttpEndpoint endpoint,
      BearerAuthenticator authenticator, AccessPolicy policy, RateLimitHandler rateLimit,
      io.mcpgateway.model.net.FailureThrottle lookupFailures) {
    var scopes = config.security().oauth().requiredScopes();
    var challenge = new BearerChallenge(config);
    String path = "/mcp/:slug";
    var addresses = new ClientAddress(config.trustedProxies());
    var body = BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes());
    // vertx-web orders security-policy handlers (CORS) before body and user handlers; an origin CORS refuses is a
    // 403 through the failure handler, as OriginGuard's would be.
    router.route(path)
        .handler(cors(config.http()))
        .handler(new McpRequestCounts())
        // The body is read only once the caller is known: paused here (TCP back-pressure holds it in the
        // client's socket), resumed by the BodyHandler after authenticate and authorize. A 401/403/404 costs
        // no 4 MiB buffer.
        .handler(ctx -> {
          ctx.request().pause();
          ctx.next();
        })
        .handler(new OriginGuard(config.http()))
        .handler(RequestSteps.lookupThrottle(lookupFailures, addresses))
        .handler(RequestSteps.preset(catalogs, lookupFailures))
        .handler(RequestSteps.authenticate(authenticator, config.http().publicUrl(), scopes, challenge, lookupFailures))
        .handler(RequestSteps.authorize(policy, challenge))
        // Wrapped: Vert.x Web refuses a BodyHandler after other handlers unless the request was paused, as it is.
        .handler(ctx -> body.handle(ctx))
        // after the body: the unsupported-version error echoes the request id
        .handler(RequestSteps.protocolVersion())
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

  /**
   * CORS for browser-based clients (transports §Security: Origin is validated first, by {@link OriginGuard}): the
   * origins OriginGuard lets through may read the answers, send the MCP headers, and see {@code Mcp-Session-Id}
   * and the auth challenge. Preflight requests are answered here, before any credential is asked for.
   */
  static CorsHandler cors(GatewayConfig.Http http) {
    List<String> origins = new ArrayList<>();
    origins.add(Pattern.quote(OriginGuard.origin(http.publicUrl())));
    http.allowedOrigins().forEach(o -> origins.add(Pattern.quote(o.toLowerCase(Locale.ROOT).replaceAll("/+$", ""))));
    origins.add("https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d+)?");
    return CorsHandler.create().addOriginsWithRegex(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Content-Type", "Accept", "Authorization", McpReplies.SESSION_HEADER, "MCP-Protocol-Version",
            "Last-Event-ID"))
        .exposedHeaders(Set.of(McpReplies.SESSION_HEADER, "MCP-Protocol-Version", "WWW-Authenticate", "Retry-After",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"))
        .maxAgeSeconds(600);
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      McpReplies.failure(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds the size limit");
    } else if (ctx.failure() != null && (status < 400 || status >= 500)) {
      McpReplies.failure(ctx, ctx.failure());
    } else {
      ErrorCode code = switch (status) {
        case 403 -> ErrorCode.FORBIDDEN;
        case 404 -> ErrorCode.NOT_FOUND;
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
        default -> status >= 400 && status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
      };
      McpReplies.failure(ctx, code, "Request failed");
    }
  }
}
