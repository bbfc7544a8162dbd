package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which sessions subscribed, on this gateway instance, to which resource (server/resources §Subscriptions). The
 * instance holds one upstream subscription per (server, original URI), on the server's shared session, however
 * many of its sessions asked; an update from the server goes to exactly the sessions that subscribed here, under
 * the URI each of them used. Every subscription carries the {@link Stamp} of the request that made it, so that
 * of two instances holding the same session's subscription the later one keeps it ({@link ResourceMethods}).
 * Confined to the gateway verticle's event loop.
 */
final class ResourceSubscriptions {
  /** A subscription the gateway holds upstream. */
  record Upstream(UUID serverId, String uri) {}

  /** A session to tell, and the URI it subscribed under. */
  record Subscriber(String sessionId, String exposedUri) {}

  /**
   * When and where a subscribe or unsubscribe was taken: wall-clock milliseconds, then a per-instance sequence
   * and the instance's tag break ties, so every instance orders any two stamps the same way.
   */
  record Stamp(long millis, long seq, String holder) implements Comparable<Stamp> {
    private static final Comparator<Stamp> ORDER = Comparator.comparingLong(Stamp::millis)
        .thenComparingLong(Stamp::seq).thenComparing(Stamp::holder);

    @Override
    public int compareTo(Stamp other) {
      return ORDER.compare(this, other);
    }
  }

  private record Held(Upstream upstream, Stamp stamp) {}

  static final int MAX_PER_SESSION = 1000;
  /** All subscriptions one instance holds for all its sessions; more are refused. */
  static final int MAX_PER_INSTANCE = 100_000;

  private final Map<Upstream, Map<String, String>> subscribers = new HashMap<>();
  private final Map<String, Map<String, Held>> bySession = new HashMap<>();
  /** When each subscribing session reaches its maximum age (epoch ms). */
  private final Map<String, Long> expiry = new HashMap<>();
  private int size;

  /** Records (or renews) the subscription; true when it is the first for that upstream resource here (subscribe upstream). */
  boolean subscribe(String sessionId, long expiresAt, String exposedUri, Upstream upstream, Stamp stamp) {
    Map<String, Held> mine = bySession.computeIfAbsent(sessionId, k -> new HashMap<>());
    expiry.put(sessionId, expiresAt);
    Held held = mine.get(exposedUri);
    if (held != null) {
      mine.put(exposedUri, new Held(held.upstream(), stamp));
      return false;
    }
    if (mine.size() >= MAX_PER_SESSION || size >= MAX_PER_INSTANCE) {
      if (mine.isEmpty()) {
        bySession.remove(sessionId);
        expiry.remove(sessionId);
      }
      throw mine.size() >= MAX_PER_SESSION
          ? new GatewayException(ErrorCode.INVALID_INPUT, "Invalid params: a session may hold at most " + MAX_PER_SESSION
              + " resource subscriptions; unsubscribe from some first")
          : new GatewayException(ErrorCode.UNAVAILABLE, "this gateway instance holds the maximum of " + MAX_PER_INSTANCE
              + " resource subscriptions; retry later");
    }
    size++;
    mine.put(exposedUri, new Held(upstream, stamp));
    Map<String, String> sessions = subscribers.computeIfAbsent(upstream, k -> new HashMap<>());
    sessions.put(sessionId, exposedUri);
    return sessions.size() == 1;
  }

  /** The stamp of the session's subscription to {@code exposedUri} here, if it holds one. */
  Optional<Stamp> stamp(String sessionId, String exposedUri) {
    Map<String, Held> mine = bySession.get(sessionId);
    Held held = mine == null ? null : mine.get(exposedUri);
    return held == null ? Optional.empty() : Optional.of(held.stamp());
  }

  /** Drops the subscription; the upstream resource when no session is left on it (unsubscribe upstream). */
  Optional<Upstream> unsubscribe(String sessionId, String exposedUri) {
    Map<String, Held> mine = bySession.get(sessionId);
    Held held = mine == null ? null : mine.remove(exposedUri);
    if (mine != null && mine.isEmpty()) {
      bySession.remove(sessionId);
      expiry.remove(sessionId);
    }
    if (held == null) {
      return Optional.empty();
    }
    size--;
    return release(held.upstream(), sessionId);
  }

  /** The session ended: the upstream resources no session is subscribed to any more. */
  List<Upstream> sessionEnded(String sessionId) {
    Map<String, Held> mine = bySession.remove(sessionId);
    expiry.remove(sessionId);
    List<Upstream> released = new ArrayList<>();
    if (mine != null) {
      size -= mine.size();
      for (Held h : mine.values()) {
        release(h.upstream(), sessionId).ifPresent(released::add);
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

  /** The subscribing sessions that reached their maximum age by {@code now}. */
  List<String> expired(long now) {
    return expiry.entrySet().stream().filter(e -> e.getValue() < now).map(Map.Entry::getKey).toList();
  }

  int size() {
    return size;
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
