package io.mcpgateway.gateway.session;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 2025-era sessions this node owns. Ids are 256-bit random, URL-safe (visible ASCII as the transport
 * requires). Sessions idle longer than the configured timeout are ended and their resources released.
 */
public final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new HashMap<>();
  private final Vertx vertx;
  private final Duration idleTimeout;
  private final long sweeper;

  public SessionRegistry(Vertx vertx, Duration idleTimeout) {
    this.vertx = vertx;
    this.idleTimeout = idleTimeout;
    long every = Math.max(250, Math.min(15_000, idleTimeout.toMillis() / 4));
    this.sweeper = vertx.setPeriodic(every, t -> sweep());
  }

  public Session create(UUID presetId, String presetSlug, String protocolVersion, String callerKey, JsonObject clientInfo) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(id, presetId, presetSlug, protocolVersion, callerKey, clientInfo);
    sessions.put(id, session);
    return session;
  }

  public Optional<Session> get(String id) {
    return Optional.ofNullable(id == null ? null : sessions.get(id));
  }

  public boolean end(String id) {
    Session s = sessions.remove(id);
    if (s != null) {
      s.end();
      return true;
    }
    return false;
  }

  public int size() {
    return sessions.size();
  }

  /** Sends a notification to every session of a preset that has a GET stream open. */
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
    for (Session s : new ArrayList<>(sessions.values())) {
      if (s.hasStream()) {
        // A client listening on its GET stream is not idle; the keep-alive write finds a dead connection.
        s.keepAlive();
        if (s.hasStream()) {
          s.touch();
          continue;
        }
      }
      if (Duration.ofNanos(now - s.lastSeen()).compareTo(idleTimeout) > 0) {
        LOG.debug("session {} of preset {} expired after {} idle", s.id(), s.presetSlug(), idleTimeout);
        end(s.id());
      } else {
        s.keepAlive();
      }
    }
  }

  public void close() {
    vertx.cancelTimer(sweeper);
    new ArrayList<>(sessions.keySet()).forEach(this::end);
  }
}
