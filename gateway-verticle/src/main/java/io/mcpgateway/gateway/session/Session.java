package io.mcpgateway.gateway.session;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.upstream.DownstreamClient;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A 2025-era MCP session (basic/transports §Session Management): created by {@code initialize}, named by
 * {@code Mcp-Session-Id}, bound to the preset and to the caller that created it. Holds the optional GET stream
 * for server-initiated messages and the caller's calls in flight (so cancellation can reach them).
 * This object is one gateway instance's view of the session ({@link SessionRegistry}); confined to that
 * instance's event loop. Calls in flight and the GET stream are those on this instance; cancellation and the
 * log level reach the other instances over the event bus.
 * <p>Upstream requests for the client (sampling, elicitation, roots) go out under request ids of this view
 * (unique across instances) and wait here, bounded and timed, until the client POSTs the response; a response
 * POSTed to another instance reaches this one over the event bus ({@link #answer}).
 */
public final class Session implements DownstreamClient {
  /** Requests to the client awaiting its answer, per session view; more are refused to the upstream at once. */
  public static final int MAX_CLIENT_REQUESTS = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

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
  /** The SSE streams this view writes (POST replies, GET streams), resumable by Last-Event-ID. */
  private final EventStreams streams;
  /** The session's GET stream on this instance. */
  private EventStreams.Stream stream;
  private JsonObject clientCapabilities = new JsonObject();
  private final Map<String, ToClient> toClient = new HashMap<>();
  /** Prefix of this view's request ids to the client, so views on other instances never reuse one. */
  private final String requestIdPrefix = randomTag() + "-";
  private long nextClientRequestId = 1;
  private boolean ended;

  /** One upstream request sent to the client: how to reach the client again (to cancel it) and the answer. */
  private record ToClient(String method, Predicate<JsonObject> via, Promise<JsonObject> answer, long timer) {}

  static String randomTag() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  Session(SessionRegistry registry, String id, UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo) {
    this.registry = registry;
    this.id = id;
    this.presetId = presetId;
    this.presetSlug = presetSlug;
    this.protocolVersion = protocolVersion;
    this.callerKey = callerKey;
    this.clientInfo = clientInfo;
    this.streams = registry.eventStreams();
  }

  public String id() {
    return id;
  }

  @Override
  public String sessionId() {
    return id;
  }

  /** The capabilities the client declared in {@code initialize}. */
  @Override
  public JsonObject capabilities() {
    return clientCapabilities;
  }

  public void clientCapabilities(JsonObject declared) {
    this.clientCapabilities = declared == null ? new JsonObject() : declared.copy();
  }

  /** An upstream request no call of this session carries: it goes on the GET stream, if the client opened one. */
  @Override
  public Future<JsonObject> request(ServerRequest request) {
    return ask(request, null);
  }

  /** An upstream notification no call carries ({@code notifications/elicitation/complete}, a log): GET stream. */
  @Override
  public void notification(JsonObject notification) {
    if (wantsLog(notification)) {
      send(notification);
    }
  }

  /**
   * Sends an upstream's request to the client under a request id of this session: on {@code stream} (the SSE
   * stream of the POST whose call caused it; transports §Sending Messages, 6) when that can carry it, else on the
   * GET stream. Completes with the client's response message; fails when no stream can carry it, when
   * {@link #MAX_CLIENT_REQUESTS} are already waiting, or when the client does not answer in time (the client is
   * then sent {@code notifications/cancelled}, as it is when the upstream cancels).
   */
  public Future<JsonObject> ask(ServerRequest request, Predicate<JsonObject> stream) {
    if (ended) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "the client session has ended"));
    }
    if (toClient.size() >= MAX_CLIENT_REQUESTS) {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "the client has " + MAX_CLIENT_REQUESTS
          + " requests unanswered already"));
    }
    String requestId = requestIdPrefix + nextClientRequestId++;
    JsonObject message = JsonRpc.request(requestId, request.method(), request.params());
    Predicate<JsonObject> via;
    if (stream != null && stream.test(message)) {
      via = stream;
    } else if (send(message)) {
      via = this::send;
    } else {
      return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "the client cannot receive "
          + request.method() + " now: it neither accepts text/event-stream on the call nor listens on a GET stream"));
    }
    Promise<JsonObject> answer = Promise.promise();
    long timer = registry.vertx().setTimer(registry.clientAnswerTimeout().toMillis(), t -> abandon(requestId, "timed out",
        new GatewayException(ErrorCode.TIMEOUT, "the client did not answer " + request.method() + " within "
            + registry.clientAnswerTimeout().toSeconds() + " s")));
    toClient.put(requestId, new ToClient(request.method(), via, answer, timer));
    request.onCancel(reason -> abandon(requestId, reason,
        new GatewayException(ErrorCode.UNAVAILABLE, request.method() + " was cancelled: " + reason)));
    return answer.future();
  }

  /** Stops waiting for the client's answer and tells it (cancellation §: the receiver may stop its work). */
  private void abandon(String requestId, String reason, GatewayException failure) {
    ToClient t = toClient.remove(requestId);
    if (t == null) {
      return;
    }
    registry.vertx().cancelTimer(t.timer());
    t.via().test(JsonRpc.notification("notifications/cancelled",
        new JsonObject().put("requestId", requestId).put("reason", reason)));
    t.answer().tryFail(failure);
  }

  /**
   * A JSON-RPC response the client POSTed: completes the request of this view it answers, or is passed to the
   * other instances, one of which may be waiting for it.
   */
  public void answer(JsonObject response) {
    if (!answerHere(response) && response.getValue("id") instanceof String) {
      registry.publishAnswer(id, response);
    }
  }

  /** True when the response answered one of this view's requests to the client. */
  boolean answerHere(JsonObject response) {
    if (!(response.getValue("id") instanceof String requestId)) {
      return false;
    }
    ToClient t = toClient.remove(requestId);
    if (t == null) {
      return false;
    }
    registry.vertx().cancelTimer(t.timer());
    t.answer().tryComplete(response);
    return true;
  }

  /** How many requests to the client are waiting for its answer. */
  public int awaitingClient() {
    return toClient.size();
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

  /** When the session reaches its maximum age (epoch ms on {@link SessionRegistry#now()}'s clock); its id is refused then. */
  public long expiresAt() {
    return registry.expiresAt(issuedAt);
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

  /** The SSE streams of this view (for resumption by {@code Last-Event-ID}). */
  public EventStreams streams() {
    return streams;
  }

  /** True when this session's SSE streams start with a priming event (2025-11-25; older clients may not expect one). */
  public boolean primesStreams() {
    return ProtocolVersions.primesStreams(protocolVersion);
  }

  /**
   * A POST reply switching to SSE on {@code response} (headers already set): a new stream of this session, its
   * priming event sent.
   */
  public EventStreams.Stream openReply(HttpServerResponse response) {
    EventStreams.Stream s = streams.open(EventStreams.Kind.POST, response);
    if (primesStreams()) {
      s.prime();
    }
    return s;
  }

  /**
   * Attaches a new GET stream on {@code response} (headers already set), replacing (and ending) an earlier one; it
   * starts with the priming event (or, before 2025-11-25, a comment).
   */
  public void attachStream(HttpServerResponse response) {
    if (stream != null) {
      stream.detach();
      stream.retire();
    }
    stream = streams.open(EventStreams.Kind.GET, response);
    if (primesStreams()) {
      stream.prime();
    } else {
      response.write(": stream open\n\n");
    }
  }

  /**
   * A GET with {@code Last-Event-ID} naming a stream of this view: the events after {@code after} are written to
   * {@code response}, which carries the stream from then on; a resumed GET stream is the session's GET stream again.
   */
  public void resume(EventStreams.Stream resumed, HttpServerResponse response, long after) {
    if (resumed.kind() == EventStreams.Kind.GET && stream != resumed) {
      if (stream != null) {
        stream.detach();
        stream.retire();
      }
      stream = resumed;
      resumed.revive();
    }
    resumed.resume(response, after);
  }

  public boolean hasStream() {
    return stream != null && stream.connected();
  }

  /** Sends a server message on the GET stream, if the client opened one. */
  public boolean send(JsonObject message) {
    if (!hasStream()) {
      return false;
    }
    stream.send(message);
    return true;
  }

  void keepAlive() {
    if (hasStream()) {
      stream.keepAlive();
    }
    streams.expire();
  }

  /** Ends the GET stream only (the session lives on); used when the node shuts down. */
  void closeStream() {
    if (stream != null) {
      stream.detach();
    }
    stream = null;
  }

  /** This view is dropped (idle): its connections end and what it kept for replay is released. */
  void release() {
    closeStream();
    streams.close();
  }

  void end() {
    if (ended) {
      return;
    }
    ended = true;
    for (String requestId : new ArrayList<>(toClient.keySet())) {
      abandon(requestId, "session ended", new GatewayException(ErrorCode.UNAVAILABLE, "the client session has ended"));
    }
    registry.ended(this);
    inFlight.values().forEach(c -> c.cancel("session ended"));
    inFlight.clear();
    release();
  }
}
