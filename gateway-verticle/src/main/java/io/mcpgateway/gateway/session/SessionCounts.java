package io.mcpgateway.gateway.session;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions the gateway instances of one node hold views of, per caller and in all, against the caps
 * ({@code MGW_SESSIONS_PER_CALLER}, {@code MGW_SESSIONS_PER_NODE}). A session counts once however many instances
 * hold a view of it (a client whose requests spread over several connections reaches several instances), so the
 * caps mean sessions on every instance count. Shared by the instances (thread-safe); only {@code initialize} is
 * refused at a cap, a view adopted for a session made elsewhere is counted but never refused (its id is valid).
 */
public final class SessionCounts {
  private static final Logger LOG = LoggerFactory.getLogger(SessionCounts.class);

  /** The counts of the nodes in this JVM (one in production), read by the {@code mgw_sessions} gauge. */
  private static final Set<SessionCounts> METERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private static final Set<MeterRegistry> GAUGED = ConcurrentHashMap.newKeySet();

  private final int perCaller;
  private final int perNode;
  private final ConcurrentHashMap<String, AtomicInteger> byCaller = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  /** Views per session id on this node; a session is counted while it has one. */
  private final ConcurrentHashMap<String, Integer> views = new ConcurrentHashMap<>();

  public SessionCounts(int perCaller, int perNode) {
    this.perCaller = perCaller;
    this.perNode = perNode;
  }

  public static SessionCounts unbounded() {
    return new SessionCounts(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Counts a new session of {@code callerKey}, or fails: {@code RATE_LIMITED} at the caller's cap, {@code UNAVAILABLE} at the node's. */
  void acquireNew(String callerKey, String sessionId, java.time.Duration idleTimeout) {
    if (total.get() >= perNode) {
      LOG.warn("session limit of this node reached ({}); refusing new sessions", perNode);
      throw new GatewayException(ErrorCode.UNAVAILABLE, "this gateway node holds its maximum of " + perNode
          + " sessions; try again later");
    }
    AtomicInteger mine = byCaller.computeIfAbsent(callerKey, k -> new AtomicInteger());
    if (mine.incrementAndGet() > perCaller) {
      release(callerKey);
      throw new GatewayException(ErrorCode.RATE_LIMITED, "too many open sessions: this caller holds " + perCaller
          + ", the limit; end unused ones with DELETE or let them go idle (" + idleTimeout.toMinutes() + " min)");
    }
    total.incrementAndGet();
    views.put(sessionId, 1);
  }

  /** Counts a view adopted from a token (never refused); the session counts only if no other view holds it. */
  void acquireAdopted(String callerKey, String sessionId) {
    views.compute(sessionId, (id, n) -> {
      if (n == null) {
        byCaller.computeIfAbsent(callerKey, k -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        return 1;
      }
      return n + 1;
    });
  }

  void release(String callerKey) {
    byCaller.computeIfPresent(callerKey, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** One view of the session ended; the session stops counting with its node's last view. */
  void releaseView(String callerKey, String sessionId) {
    views.computeIfPresent(sessionId, (id, n) -> {
      if (n > 1) {
        return n - 1;
      }
      release(callerKey);
      total.decrementAndGet();
      return null;
    });
  }

  /**
   * Reports these counts in gauge {@code mgw_sessions} of {@code registry} (null: metrics off). The gauge is
   * registered once per registry and sums the counts metered in this JVM, held weakly, so a stopped node's counts
   * leave with it.
   */
  public SessionCounts meter(MeterRegistry registry) {
    if (registry != null) {
      METERED.add(this);
      if (GAUGED.add(registry)) {
        Gauge.builder("mgw_sessions", METERED, SessionCounts::sum)
            .description("Live session views (2025-era sessions) held by this node's gateway instances")
            .strongReference(true).register(registry);
      }
    }
    return this;
  }

  private static double sum(Set<SessionCounts> counts) {
    synchronized (counts) {
      return counts.stream().mapToInt(SessionCounts::total).sum();
    }
  }

  public int of(String callerKey) {
    AtomicInteger n = byCaller.get(callerKey);
    return n == null ? 0 : n.get();
  }

  public int total() {
    return total.get();
  }
}
