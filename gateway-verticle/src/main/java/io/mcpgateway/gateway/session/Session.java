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
 * This object is one gateway instance's view of the session ({@link SessionRegistry}); confined to that
 * instance's event loop. Calls in flight and the GET stream are those on this instance; cancellation and the
 * log level reach the other instances over the event bus.
 */
public final class Session {
  /** RFC 5424 severities as MCP names them, least severe first (server/utilities/logging). */
  public static final java.util.List<String> LOG_LEVELS =
      java.util.List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

  private final SessionRegistry registry;
  private final String id;
  private long issuedAt = System.currentTimeMillis();
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

  Session(SessionRegistry registry, String id, UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo) {
    this.registry = registry;
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

  /** The preset's slug when this instance created the session; null for a session continued from its id. */
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

  /** True when the session was created for this preset by this caller ({@code Caller.rateKey()}). */
  public boolean belongsTo(UUID preset, String callerRateKey) {
    return presetId.equals(preset) && callerKey.equals(callerRateKey);
  }

  public JsonObject clientInfo() {
    return clientInfo;
  }

  /** logging/setLevel: applies here and on every instance where this session's calls may run. */
  public void logLevel(String level) {
    applyLogLevel(level);
    registry.publishLogLevel(id, level);
  }

  void applyLogLevel(String level) {
    minLogLevel = Math.max(0, LOG_LEVELS.indexOf(level));
  }

  long issuedAt() {
    return issuedAt;
  }

  void issuedAt(long millis) {
    issuedAt = millis;
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

  /**
   * The caller sent notifications/cancelled for one of its requests: cancelled here if it runs here, else
   * on the instance or node that runs it.
   */
  public void cancel(Object requestId, String reason) {
    if (!cancelHere(String.valueOf(requestId), reason)) {
      registry.publishCancel(id, String.valueOf(requestId), reason);
    }
  }

  boolean cancelHere(String requestId, String reason) {
    UpstreamCall call = inFlight.remove(requestId);
    if (call == null) {
      return false;
    }
    call.cancel(reason == null ? "cancelled by the client" : reason);
    return true;
  }

  boolean hasCallsInFlight() {
    return !inFlight.isEmpty();
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
