package io.mcpgateway.gateway.session;

import io.mcpgateway.model.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 2025-era sessions as one gateway verticle instance sees them. A session id is a sealed token
 * ({@link SessionTokens}), so any instance on any node can continue a session it has never seen: it opens the
 * token and keeps a local view (GET stream, calls in flight here, log level). What must reach the other
 * instances and nodes — the session ended, a request cancelled, the log level, a message for the GET stream —
 * goes over the (clustered) event bus; each instance handles it on its own event loop, so nothing is shared
 * between threads. Local views idle longer than the idle timeout are dropped (the id keeps working);
 * confined to the verticle's event loop.
 */
public final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
  /** Ended ids remembered until their token would expire anyway; beyond this many, the oldest are dropped. */
  public static final int MAX_ENDED = 100_000;

  /** Longest text kept of each clientInfo field. */
  static final int CLIENT_INFO_TEXT = 200;

  private final Map<String, Session> sessions = new HashMap<>();
  private final SessionCounts counts;
  /** The node's ended session ids (shared by its instances). */
  private final EndedSessions ended;
  private final Vertx vertx;
  private final SessionTokens tokens;
  private final Duration idleTimeout;
  private final long sweeper;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final List<java.util.function.Consumer<Session>> endListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<String>> endedIdListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Duration clientAnswerTimeout;
  /** Names this instance in the event ids it writes (and its replay address); random, so a restart is another one. */
  private final String instanceTag = Session.randomTag();
  private final ReplayBudget replayBudget = new ReplayBudget(ReplayBudget.MAX_BYTES);

  /** The longest a resumption on another instance waits here for the next event of a stream. */
  public static final long MAX_POLL_WAIT_MS = 15_000;

  /** How long an upstream's request to a client (sampling, elicitation, roots) waits for the client's answer. */
  public static final Duration DEFAULT_CLIENT_ANSWER_TIMEOUT = Duration.ofMinutes(5);

  public SessionRegistry(Vertx vertx, SessionTokens tokens, Duration idleTimeout) {
    this(vertx, tokens, idleTimeout, DEFAULT_CLIENT_ANSWER_TIMEOUT);
  }

  public SessionRegistry(Vertx vertx, SessionTokens tokens, Duration idleTimeout, Duration clientAnswerTimeout) {
    this(vertx, tokens, idleTimeout, clientAnswerTimeout, SessionCounts.unbounded());
  }

  public SessionRegistry(Vertx vertx, SessionTokens tokens, Duration idleTimeout, Duration clientAnswerTimeout,
      SessionCounts counts) {
    this(vertx, tokens, idleTimeout, clientAnswerTimeout, counts, new EndedSessions(MAX_ENDED, tokens.maxAge()));
  }

  /**
   * {@code counts}: the node's session views against the per-caller and per-node caps; {@code ended}: the node's
   * ended ids (both shared by the node's instances).
   */
  public SessionRegistry(Vertx vertx, SessionTokens tokens, Duration idleTimeout, Duration clientAnswerTimeout,
      SessionCounts counts, EndedSessions ended) {
    this.counts = counts;
    this.ended = ended;
    this.vertx = vertx;
    this.tokens = tokens;
    this.idleTimeout = idleTimeout;
    this.clientAnswerTimeout = clientAnswerTimeout;
    long every = Math.max(250, Math.min(15_000, idleTimeout.toMillis() / 4));
    this.sweeper = vertx.setPeriodic(every, t -> sweep());
    var bus = vertx.eventBus();
    consumers.add(bus.consumer(Addresses.SESSION_ENDED, m -> forget(m.body().getString("sessionId"))));
    consumers.add(bus.consumer(Addresses.SESSION_CANCEL, m -> {
      Session s = sessions.get(m.body().getString("sessionId"));
      if (s != null) {
        s.cancelHere(m.body().getString("requestId"), m.body().getString("reason"));
      }
    }));
    consumers.add(bus.consumer(Addresses.SESSION_LOG_LEVEL, m ->
        get(m.body().getString("sessionId")).ifPresent(s -> s.applyLogLevel(m.body().getString("level")))));
    consumers.add(bus.consumer(Addresses.SESSION_ANSWER, m -> {
      Session s = sessions.get(m.body().getString("sessionId"));
      if (s != null && m.body().getValue("response") instanceof JsonObject response) {
        s.answerHere(response);
      }
    }));
    consumers.add(bus.consumer(Addresses.SESSION_REPLAY + instanceTag, m -> replay(m.body(), m::reply)));
    consumers.add(bus.consumer(Addresses.SESSION_MESSAGE, m -> {
      Session s = sessions.get(m.body().getString("sessionId"));
      if (s != null) {
        s.send(m.body().getJsonObject("message"));
      }
    }));
  }

  /**
   * A new session; fails with {@code RATE_LIMITED} when the caller already holds {@code MGW_SESSIONS_PER_CALLER}
   * sessions with a view on this node and with {@code UNAVAILABLE} when the node holds {@code MGW_SESSIONS_PER_NODE}.
   */
  public Session create(UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo) {
    return create(presetId, presetSlug, protocolVersion, callerKey, clientInfo, new JsonObject());
  }

  /** {@code clientCapabilities}: as the client declared them in {@code initialize} (the relayed ones go in the id). */
  public Session create(UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo,
      JsonObject clientCapabilities) {
    String id = tokens.issue(presetId, protocolVersion, callerKey, clientCapabilities);
    counts.acquireNew(callerKey, id, idleTimeout);
    Session session = new Session(this, id, presetId, presetSlug, protocolVersion, callerKey, trimClientInfo(clientInfo));
    session.clientCapabilities(clientCapabilities);
    session.issuedAt(tokens.now());
    sessions.put(id, session);
    return session;
  }

  /** What is kept of a client's self-description: name, title and version, each as short text. */
  static JsonObject trimClientInfo(JsonObject clientInfo) {
    JsonObject kept = new JsonObject();
    if (clientInfo != null) {
      for (String field : List.of("name", "title", "version")) {
        if (clientInfo.getValue(field) instanceof String text) {
          kept.put(field, text.length() > CLIENT_INFO_TEXT ? text.substring(0, CLIENT_INFO_TEXT) : text);
        }
      }
    }
    return kept;
  }

  /** Removes this instance's view (and its count, and what it kept for replay); null when there was none. */
  private Session drop(String id) {
    Session s = sessions.remove(id);
    if (s != null) {
      counts.releaseView(s.callerKey(), id);
      s.release();
    }
    return s;
  }

  /** This instance's tag in the event ids of its SSE streams ({@link EventStreams}). */
  public String instanceTag() {
    return instanceTag;
  }

  EventStreams eventStreams() {
    return new EventStreams(vertx, replayBudget, instanceTag);
  }

  /** Bytes of SSE events this instance keeps for replay. */
  public long replayBytes() {
    return replayBudget.used();
  }

  /**
   * A resumption GET on another instance asks for the events of one of this instance's streams
   * ({@code {v, sessionId, kind, stream, after, resumer, first, waitMs}}, see {@code endpoint.Resumption}).
   */
  private void replay(JsonObject ask, java.util.function.Consumer<Object> answer) {
    Session s = sessions.get(ask.getString("sessionId"));
    EventStreams.Kind kind = "GET".equals(ask.getString("kind")) ? EventStreams.Kind.GET : EventStreams.Kind.POST;
    Optional<EventStreams.Stream> stream = s == null ? Optional.empty() : s.streams().find(
        new EventStreams.EventId(instanceTag, kind, ask.getLong("stream", -1L), ask.getLong("after", -1L)));
    if (stream.isEmpty()) {
      answer.accept(new JsonObject().put("status", "unknown"));
      return;
    }
    s.touch();
    stream.get().poll(ask.getString("resumer", ""), ask.getBoolean("first", false), ask.getLong("after", -1L),
        Math.min(MAX_POLL_WAIT_MS, ask.getLong("waitMs", 0L)), answer::accept);
  }

  /**
   * The session named by {@code id}: this instance's view, or one made from the token when the session was
   * created elsewhere. Empty when the id is not a valid token of this gateway, is too old, or was ended.
   */
  public Optional<Session> get(String id) {
    if (id == null) {
      return Optional.empty();
    }
    if (ended.contains(id, tokens.now())) {
      forget(id); // ended on another instance: drop this view now, before its bus message arrives
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s != null) {
      if (tokens.now() <= tokens.expiresAt(s.issuedAt())) {
        return Optional.of(s);
      }
      drop(id);
      s.end();
      return Optional.empty();
    }
    return tokens.open(id).map(c -> {
      Session adopted = new Session(this, id, c.presetId(), null, c.protocolVersion(), c.callerKey(), new JsonObject());
      adopted.issuedAt(c.issuedAtMillis());
      adopted.markInitialized();
      adopted.clientCapabilities(c.clientCapabilities());
      sessions.put(id, adopted);
      counts.acquireAdopted(adopted.callerKey(), id);
      return adopted;
    });
  }

  /** Ends a session everywhere (DELETE): here at once, on every other instance and node over the bus. */
  public boolean end(String id) {
    boolean known = sessions.containsKey(id) || tokens.open(id).isPresent();
    forget(id);
    vertx.eventBus().publish(Addresses.SESSION_ENDED, new JsonObject().put("v", 1).put("sessionId", id));
    return known;
  }

  /** Ends this instance's view of a session (it ended elsewhere, or its preset is gone). */
  private void forget(String id) {
    if (id == null) {
      return;
    }
    Session s = drop(id);
    if (s != null) {
      s.end();
    }
    long expires = tokens.open(id).map(c -> tokens.expiresAt(c.issuedAtMillis())).orElse(0L);
    if (expires > tokens.now()) {
      ended.add(id, expires);
    }
    endedIdListeners.forEach(l -> l.accept(id));
  }

  /** Ends this instance's views of a deleted preset's sessions; their ids answer 404 anyway (no preset). */
  public void forgetPreset(UUID presetId) {
    for (Session s : new ArrayList<>(sessions.values())) {
      if (s.presetId().equals(presetId)) {
        drop(s.id());
        s.end();
      }
    }
  }

  /** Sends a server message to the session's GET stream, on whichever instance or node holds it. */
  public void deliver(String sessionId, JsonObject message) {
    Session s = sessions.get(sessionId);
    if (s != null && s.send(message)) {
      return;
    }
    vertx.eventBus().publish(Addresses.SESSION_MESSAGE,
        new JsonObject().put("v", 1).put("sessionId", sessionId).put("message", message));
  }

  /** Called with every session view that ends here (DELETE, ended elsewhere, maximum age, preset deleted, node stopping). */
  public void onEnded(java.util.function.Consumer<Session> listener) {
    endListeners.add(listener);
  }

  /**
   * Called with the id of every session ended by DELETE, here or on another instance or node, whether or not this
   * instance holds a view of it.
   */
  public void onEndedId(java.util.function.Consumer<String> listener) {
    endedIdListeners.add(listener);
  }

  /** The time on the sessions' clock (epoch ms), to compare with {@link Session#expiresAt()}. */
  public long now() {
    return tokens.now();
  }

  long expiresAt(long issuedAtMillis) {
    return tokens.expiresAt(issuedAtMillis);
  }

  void ended(Session s) {
    endListeners.forEach(l -> l.accept(s));
  }

  Vertx vertx() {
    return vertx;
  }

  Duration clientAnswerTimeout() {
    return clientAnswerTimeout;
  }

  void publishAnswer(String sessionId, JsonObject response) {
    vertx.eventBus().publish(Addresses.SESSION_ANSWER,
        new JsonObject().put("v", 1).put("sessionId", sessionId).put("response", response));
  }

  void publishCancel(String sessionId, String requestId, String reason) {
    vertx.eventBus().publish(Addresses.SESSION_CANCEL, new JsonObject().put("v", 1).put("sessionId", sessionId)
        .put("requestId", requestId).put("reason", reason));
  }

  void publishLogLevel(String sessionId, String level) {
    vertx.eventBus().publish(Addresses.SESSION_LOG_LEVEL,
        new JsonObject().put("v", 1).put("sessionId", sessionId).put("level", level));
  }

  /** Sessions this instance holds a view of. */
  public int size() {
    return sessions.size();
  }

  /** Sends a notification to every session of a preset that has a GET stream open on this instance. */
  public int notifyPreset(UUID presetId, JsonObject notification) {
    int sent = 0;
    for (Session s : sessions.values()) {
      if (s.presetId().equals(presetId) && s.send(notification)) {
        sent++;
      }
    }
    return sent;
  }

  public List<Session> all() {
    return new ArrayList<>(sessions.values());
  }

  private void sweep() {
    long now = System.nanoTime();
    long wallNow = tokens.now();
    for (Session s : new ArrayList<>(sessions.values())) {
      if (wallNow > tokens.expiresAt(s.issuedAt())) {
        LOG.debug("session {} of preset {} reached its maximum age", s.id(), s.presetId());
        drop(s.id());
        s.end();
        continue;
      }
      // An open GET stream alone is not activity (docs/endpoint.md): a client that sends no request for the
      // idle timeout (an abandoned tab, a crashed agent still holding a socket) loses its view and its stream.
      if (Duration.ofNanos(now - s.lastSeen()).compareTo(idleTimeout) > 0 && !s.hasCallsInFlight()) {
        // Only this instance's view goes: the id stays valid, the next request rebuilds the view from it
        // (and the client may open a new GET stream).
        drop(s.id());
      } else {
        s.keepAlive(); // finds dead connections
      }
    }
  }

  /**
   * First step of a shutdown: ends every GET stream here (they carry no work, and would hold the HTTP server's
   * drain for the whole grace) while sessions and their calls in flight live on.
   */
  public void closeStreams() {
    sessions.values().forEach(Session::closeStream);
  }

  public void close() {
    vertx.cancelTimer(sweeper);
    consumers.forEach(MessageConsumer::unregister);
    // The node is stopping, not the sessions: end only what lives here; the ids keep working on other nodes.
    new ArrayList<>(sessions.keySet()).forEach(id -> {
      Session s = drop(id);
      if (s != null) {
        s.end();
      }
    });
  }
}
