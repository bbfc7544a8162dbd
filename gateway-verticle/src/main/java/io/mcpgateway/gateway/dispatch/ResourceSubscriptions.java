package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Which sessions subscribed to which resource (server/resources §Subscriptions). The gateway holds one upstream
 * subscription per (server, original URI), on the server's shared session, however many sessions asked; an
 * update from the server goes to exactly the sessions that subscribed, under the URI each of them used.
 * Confined to the gateway verticle's event loop.
 */
final class ResourceSubscriptions {
  /** A subscription the gateway holds upstream. */
  record Upstream(UUID serverId, String uri) {}

  /** A session to tell, and the URI it subscribed under. */
  record Subscriber(String sessionId, String exposedUri) {}

  static final int MAX_PER_SESSION = 1000;

  private final Map<Upstream, Map<String, String>> subscribers = new HashMap<>();
  private final Map<String, Map<String, Upstream>> bySession = new HashMap<>();

  /** Records the subscription; true when it is the first for that upstream resource (subscribe upstream). */
  boolean subscribe(String sessionId, String exposedUri, Upstream upstream) {
    Map<String, Upstream> mine = bySession.computeIfAbsent(sessionId, k -> new HashMap<>());
    if (mine.containsKey(exposedUri)) {
      return false;
    }
    if (mine.size() >= MAX_PER_SESSION) {
      throw new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: a session may hold at most "
          + MAX_PER_SESSION + " resource subscriptions; unsubscribe from some first");
    }
    mine.put(exposedUri, upstream);
    Map<String, String> sessions = subscribers.computeIfAbsent(upstream, k -> new HashMap<>());
    sessions.put(sessionId, exposedUri);
    return sessions.size() == 1;
  }

  /** Drops the subscription; the upstream resource when no session is left on it (unsubscribe upstream). */
  Optional<Upstream> unsubscribe(String sessionId, String exposedUri) {
    Map<String, Upstream> mine = bySession.get(sessionId);
    Upstream upstream = mine == null ? null : mine.remove(exposedUri);
    if (mine != null && mine.isEmpty()) {
      bySession.remove(sessionId);
    }
    return upstream == null ? Optional.empty() : release(upstream, sessionId);
  }

  /** The session ended: the upstream resources no session is subscribed to any more. */
  List<Upstream> sessionEnded(String sessionId) {
    Map<String, Upstream> mine = bySession.remove(sessionId);
    List<Upstream> released = new ArrayList<>();
    if (mine != null) {
      for (Upstream u : Set.copyOf(mine.values())) {
        release(u, sessionId).ifPresent(released::add);
      }
    }
    return released;
  }

  List<Subscriber> subscribers(UUID serverId, String uri) {
    Map<String, String> sessions = subscribers.get(new Upstream(serverId, uri));
    List<Subscriber> out = new ArrayList<>();
    if (sessions != null) {
      sessions.forEach((session, exposed) -> out.add(new Subscriber(session, exposed)));
    }
    return out;
  }

  private Optional<Upstream> release(Upstream upstream, String sessionId) {
    Map<String, String> sessions = subscribers.get(upstream);
    if (sessions == null) {
      return Optional.empty();
    }
    sessions.remove(sessionId);
    if (sessions.isEmpty()) {
      subscribers.remove(upstream);
      return Optional.of(upstream);
    }
    return Optional.empty();
  }
}
