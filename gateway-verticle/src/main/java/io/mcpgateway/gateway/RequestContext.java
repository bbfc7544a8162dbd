package io.mcpgateway.gateway;

import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import io.vertx.ext.web.RoutingContext;

/**
 * What the ordered handlers of {@code /mcp/{slug}} leave for the ones after them: the resolved preset
 * (set by the preset step) and the authenticated caller (set by the authenticate step).
 */
public final class RequestContext {
  private static final String PRESET = "mgw.preset";
  private static final String CALLER = "mgw.caller";

  private RequestContext() {}

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
