package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestContext;
import io.mcpgateway.gateway.auth.BearerChallenge;
import io.mcpgateway.gateway.catalog.CatalogService;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Validator;
import io.mcpgateway.model.identity.AccessPolicy;
import io.mcpgateway.model.identity.BearerAuthenticator;
import io.mcpgateway.model.net.FailureThrottle;
import java.util.List;
import java.util.Optional;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * The small ordered steps of {@code /mcp/{slug}} between the platform guards and the dispatch:
 * lookup throttle → preset → authenticate → authorize (→ body) → protocol version. Each either calls {@code next()}
 * or answers.
 */
final class RequestSteps {
  private RequestSteps() {}

  /**
   * Transports §Protocol Version Header: a version the gateway does not speak is a 400 carrying the
   * {@code UnsupportedProtocolVersionError} of MCP 2026-07-28 basic/versioning (code -32022, the supported
   * versions listed, the request's id echoed), in either era: a legacy client reads the message, a modern one
   * retries with a listed version.
   */
  static Handler<RoutingContext> protocolVersion() {
    return ctx -> {
      String version = ctx.request().getHeader("MCP-Protocol-Version");
      if (version != null && !ProtocolVersions.ALL.contains(version)) {
        McpReplies.unsupportedVersion(ctx, McpReplies.idOfBody(ctx), version);
        return;
      }
      ctx.next();
    };
  }

  /**
   * An address that caused {@code MGW_LOOKUP_FAILURES_PER_MINUTE} database lookups that failed (unknown preset,
   * rejected credentials) is refused before any lookup until its minute ends: guessing slugs or keys costs the
   * database at most that much per address. Resolves the client's address once for the steps after it.
   */
  static Handler<RoutingContext> lookupThrottle(FailureThrottle failures, ClientAddress addresses) {
    return ctx -> {
      String address = addresses.of(ctx);
      RequestContext.clientAddress(ctx, address);
      long retryAfter = failures.retryAfterSeconds(address);
      if (retryAfter > 0) {
        ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
        McpReplies.failure(ctx, ErrorCode.RATE_LIMITED, "too many unknown presets or rejected credentials from this"
            + " address; try again in " + retryAfter + " s");
        return;
      }
      ctx.next();
    };
  }

  /** Only active presets are served; anything else is 404 to everyone (a looked-up miss counts as a failure). */
  static Handler<RoutingContext> preset(CatalogService catalogs, FailureThrottle failures) {
    return ctx -> {
      String slug = ctx.pathParam("slug");
      if (slug.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        // "/mcp/pub%00": a control character can never be part of a slug, and PostgreSQL cannot even look it up.
        McpReplies.failure(ctx, ErrorCode.INVALID_REQUEST, "Bad Request: the preset slug contains a control character");
        return;
      }
      if (slug.length() < 3 || slug.length() > 50 || !Validator.SLUG.matcher(slug).matches()) {
        // No preset can have this slug: answer without a database query (unknown slugs cost nothing).
        McpReplies.failure(ctx, new GatewayException(ErrorCode.NOT_FOUND, slug.length() > 50
            ? "no active preset with this slug (slugs are at most 50 characters)" : "no active preset \"" + slug + "\""));
        return;
      }
      catalogs.presetBySlug(slug).onComplete(ar -> {
        if (ar.failed()) {
          McpReplies.failure(ctx, ar.cause());
        } else if (ar.result().isEmpty() || !ar.result().get().active()) {
          failures.failed(RequestContext.clientAddress(ctx));
          McpReplies.failure(ctx, new GatewayException(ErrorCode.NOT_FOUND, "no active preset \"" + slug + "\""));
        } else {
          RequestContext.preset(ctx, ar.result().get());
          ctx.next();
        }
      });
    };
  }

  /**
   * Establishes the caller; an OAuth token must be bound to this gateway or to this preset's resource URI
   * (RFC 8707) and carry the configured scopes, else 403 {@code insufficient_scope} (MCP authorization §Scope).
   */
  static Handler<RoutingContext> authenticate(BearerAuthenticator authenticator, URI publicUrl,
      List<String> requiredScopes, BearerChallenge challenge, FailureThrottle failures) {
    return ctx -> {
      String slug = ctx.pathParam("slug");
      String resource = publicUrl + "/mcp/" + slug;
      authenticator.authenticate(ctx.request().getHeader("Authorization"), RequestContext.clientAddress(ctx),
          Optional.of(resource))
          .onSuccess(caller -> {
            if (caller.viaOAuth() && !caller.scopes().containsAll(requiredScopes)) {
              ctx.response().putHeader("WWW-Authenticate", challenge.insufficientScope(slug));
              McpReplies.failure(ctx, new GatewayException(ErrorCode.FORBIDDEN,
                  "the token lacks the required scope(s) " + String.join(" ", requiredScopes)));
              return;
            }
            RequestContext.caller(ctx, caller);
            ctx.next();
          })
          .onFailure(e -> {
            if (e instanceof GatewayException g && g.code() == ErrorCode.UNAUTHORIZED) {
              failures.failed(RequestContext.clientAddress(ctx));
            }
            challenge(ctx, e, challenge, true);
          });
    };
  }

  static Handler<RoutingContext> authorize(AccessPolicy policy, BearerChallenge challenge) {
    return ctx -> policy.authorize(RequestContext.caller(ctx), RequestContext.preset(ctx))
        .onSuccess(v -> ctx.next())
        .onFailure(e -> challenge(ctx, e, challenge, false));
  }

  /** 401 carries the RFC 9728 pointer to the protected resource metadata (MCP authorization §2.3). */
  private static void challenge(RoutingContext ctx, Throwable e, BearerChallenge challenge, boolean credentialsRejected) {
    if (e instanceof GatewayException g && g.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate",
          challenge.unauthorized(ctx.pathParam("slug"), credentialsRejected ? g.getMessage() : null));
    }
    McpReplies.failure(ctx, e);
  }
}
