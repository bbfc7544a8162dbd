package io.mcpgateway.model.bus;

/** Event-bus addresses, in one place (ARCHITECTURE.md §6). In cluster mode they span every node. */
public final class Addresses {
  /** publish {@link PresetChanged}: gateways drop cached config and notify sessions. */
  public static final String PRESET_CHANGED = "mgw.preset.changed";
  /** publish {@link ServerChanged}: gateways drop the upstream connection and its catalog. */
  public static final String SERVER_CHANGED = "mgw.server.changed";
  /** publish {@link AccessChanged}: gateways drop cached ACL decisions. */
  public static final String ACCESS_CHANGED = "mgw.access.changed";
  /** publish {@link ApiKeyRevoked}: gateways drop the cached key at once. */
  public static final String API_KEY_REVOKED = "mgw.apikey.revoked";
  /** send {@link ToolCallRecorded}: the metrics verticle stores it. */
  public static final String TOOL_CALL_RECORDED = "mgw.metrics.toolcall";

  /**
   * request {@code {v, serverId}} → {@code {tools: [<MCP Tool objects as the upstream listed them>]}}:
   * a gateway node lists the upstream's live tools (management's {@code GET /servers/{id}/tools}).
   */
  public static final String SERVER_TOOLS = "mgw.server.tools";
  /**
   * request {@code {v, presetId}} → {@code {tools: [{name, originalName, serverId, serverSlug, description}],
   * notes: [{name, reason}], unavailable: [{serverId, serverSlug, error}]}}: the exposed catalog of a preset
   * with collision notes (management's {@code GET /presets/{id}/tools}).
   */
  public static final String PRESET_TOOLS = "mgw.preset.tools";
  /** request {@code {v, presetId, from, to, bucket}} → stats document (management's {@code GET /presets/{id}/stats}). */
  public static final String METRICS_STATS = "mgw.metrics.stats";

  private Addresses() {}
}
