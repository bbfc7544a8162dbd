package io.mcpgateway.gateway;

import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.vertx.ext.web.RoutingContext;

/**
 * What the ordered handlers of {@code /mcp/{slug}} leave for the ones after them: the client's address (resolved
 * once, by the lookup-throttle step), the resolved preset (the preset step) and the authenticated caller (the
 * authenticate step).
 */
public final class RequestContext {
  private static final String PRESET = "mgw.preset";
  private static final String CALLER = "mgw.caller";
  private static final String CLIENT_ADDRESS = "mgw.clientAddress";

  private RequestContext() {}

  public static void clientAddress(RoutingContext ctx, String address) {
    ctx.put(CLIENT_ADDRESS, address);
  }

  public static String clientAddress(RoutingContext ctx) {
    return ctx.get(CLIENT_ADDRESS);
  }

  public static void preset(RoutingContext ctx, Preset preset) {
    ctx.put(PRESET, preset);
  }

  public static Preset preset(RoutingContext ctx) {
    return ctx.get(PRESET);
  }

  public static void caller(RoutingContext ctx, Caller caller) {
    ctx.put(CALLER, caller);
  }

  public static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }
}
