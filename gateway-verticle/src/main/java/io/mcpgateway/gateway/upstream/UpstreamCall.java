package io.mcpgateway.gateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A {@code tools/call} in flight on an upstream. */
public interface UpstreamCall {
  /**
   * The upstream's {@code CallToolResult} untouched ({@code isError: true} results are results). Fails with
   * {@link io.mcpgateway.model.GatewayException}: UPSTREAM_UNAVAILABLE (unreachable, or its circuit is open),
   * TIMEOUT (the upstream was sent {@code notifications/cancelled}), or {@link UpstreamRpcError}.
   */
  Future<JsonObject> result();

  /** The caller cancelled: tell the upstream ({@code notifications/cancelled}) and fail {@link #result()}. */
  void cancel(String reason);

  /**
   * The upstream session ({@code Mcp-Session-Id}) the request went to, once it was sent; null before, and for
   * upstreams without session ids (stdio, legacy SSE, the 2026 era).
   */
  default String upstreamSession() {
    return null;
  }
}
