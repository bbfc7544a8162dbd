package io.mcpgateway.model.bus;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One tool call, as the gateway saw it. Sent fire-and-forget to the metrics verticle; {@code error} is a
 * short code or message when {@code ok} is false (a JSON-RPC error, a timeout, an open breaker, or a tool
 * result with {@code isError: true}).
 */
public record ToolCallRecorded(
    UUID presetId, UUID serverId, String tool, String principal, boolean ok, long latencyMs, String error,
    Instant at) {
  public static final int V = 1;

  public JsonObject toJson() {
    return new JsonObject()
        .put("v", V)
        .put("presetId", presetId.toString())
        .put("serverId", serverId == null ? null : serverId.toString())
        .put("tool", tool)
        .put("principal", principal)
        .put("ok", ok)
        .put("latencyMs", latencyMs)
        .put("error", error)
        .put("at", at.toString());
  }

  public static ToolCallRecorded fromJson(JsonObject j) {
    String server = j.getString("serverId");
    return new ToolCallRecorded(UUID.fromString(j.getString("presetId")),
        server == null ? null : UUID.fromString(server), j.getString("tool"), j.getString("principal"),
        j.getBoolean("ok", false), j.getLong("latencyMs", 0L), j.getString("error"), Instant.parse(j.getString("at")));
  }
}
