package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection (2025-11-25 basic/transports §Security Warning): a browser request whose
 * {@code Origin} is not localhost, the gateway's public origin or a configured origin gets 403.
 * Requests without an Origin (non-browser clients) pass.
 */
final class OriginGuard implements Handler<RoutingContext> {
  private final Set<String> allowed = new HashSet<>();

  OriginGuard(GatewayConfig.Http http) {
    allowed.add(origin(http.publicUrl()));
    http.allowedOrigins().forEach(o -> allowed.add(o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || permitted(origin)) {
      ctx.next();
      return;
    }
    McpReplies.failure(ctx, ErrorCode.FORBIDDEN, "Origin " + origin + " is not allowed");
  }

  private boolean permitted(String origin) {
    String normalized = origin.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (allowed.contains(normalized)) {
      return true;
    }
    try {
      String host = URI.create(normalized).getHost();
      return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String origin(URI url) {
    String base = url.getScheme() + "://" + url.getHost();
    return (url.getPort() > 0 ? base + ":" + url.getPort() : base).toLowerCase(Locale.ROOT);
  }
}
