package io.mcpgateway.gateway.session;

import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A 2025-era MCP session (basic/transports §Session Management): created by {@code initialize}, named by
 * {@code Mcp-Session-Id}, bound to the preset and to the caller that created it. Holds the optional GET stream
 * for server-initiated messages and the caller's calls in flight (so cancellation can reach them).
 * Confined to the gateway verticle's event loop.
 */
public final class Session {
  /** RFC 5424 severities as MCP names them, least severe first (server/utilities/logging). */
  public static final java.util.List<String> LOG_LEVELS =
      java.util.List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

  private final String id;
  private int minLogLevel = 0;
  private final UUID presetId;
  private final String presetSlug;
  private final String protocolVersion;
  private final String callerKey;
  private final JsonObject clientInfo;
  private final Map<String, UpstreamCall> inFlight = new HashMap<>();
  private long lastSeen = System.nanoTime();
  private boolean initialized;
  private HttpServerResponse stream;

  Session(String id, UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo) {
    this.id = id;
    this.presetId = presetId;
    this.presetSlug = presetSlug;
    this.protocolVersion = protocolVersion;
    this.callerKey = callerKey;
    this.clientInfo = clientInfo;
  }

  public String id() {
    return id;
  }

  public UUID presetId() {
    return presetId;
  }

  public String presetSlug() {
    return presetSlug;
  }

  public String protocolVersion() {
    return protocolVersion;
  }

  /** Who created the session ({@code Caller.rateKey()}); another caller may not use it. */
  public String callerKey() {
    return callerKey;
  }

  public JsonObject clientInfo() {
    return clientInfo;
  }

  public void logLevel(String level) {
    minLogLevel = Math.max(0, LOG_LEVELS.indexOf(level));
  }

  /** True unless the message is a log message below the level the client asked for. */
  public boolean wantsLog(JsonObject notification) {
    if (!"notifications/message".equals(notification.getString("method"))) {
      return true;
    }
    JsonObject params = notification.getJsonObject("params");
    int level = params == null ? 0 : LOG_LEVELS.indexOf(params.getString("level", "debug"));
    return level >= minLogLevel;
  }

  public void touch() {
    lastSeen = System.nanoTime();
  }

  long lastSeen() {
    return lastSeen;
  }

  public void markInitialized() {
    initialized = true;
  }

  public boolean initialized() {
    return initialized;
  }

  public void track(Object requestId, UpstreamCall call) {
    inFlight.put(String.valueOf(requestId), call);
  }

  public void untrack(Object requestId) {
    inFlight.remove(String.valueOf(requestId));
  }

  /** The caller sent notifications/cancelled for one of its requests. */
  public void cancel(Object requestId, String reason) {
    UpstreamCall call = inFlight.remove(String.valueOf(requestId));
    if (call != null) {
      call.cancel(reason == null ? "cancelled by the client" : reason);
    }
  }

  /** Attaches the GET stream, replacing (and ending) an earlier one. */
  public void attachStream(HttpServerResponse response) {
    if (stream != null && !stream.ended()) {
      stream.end();
    }
    stream = response;
    response.closeHandler(v -> {
      if (stream == response) {
        stream = null;
      }
    });
  }

  public boolean hasStream() {
    return stream != null && !stream.ended();
  }

  /** Sends a server message on the GET stream, if the client opened one. */
  public boolean send(JsonObject message) {
    if (!hasStream()) {
      return false;
    }
    stream.write(Buffer.buffer("event: message\ndata: " + message.encode() + "\n\n"));
    return true;
  }

  void keepAlive() {
    if (hasStream()) {
      stream.write(": keep-alive\n\n");
    }
  }

  void end() {
    inFlight.values().forEach(c -> c.cancel("session ended"));
    inFlight.clear();
    if (hasStream()) {
      stream.end();
    }
    stream = null;
  }
}
