package io.mcpgateway.gateway.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The session ids ended on this node (DELETE here, or the ended message from another node), shared by every
 * gateway instance of the node, so a request landing on another instance right after a DELETE gets 404 without
 * waiting for the bus message to reach that instance's event loop. Thread-safe with lock-free reads; an id counts
 * as ended until its token would expire anyway, and at most {@code max} ids are kept.
 */
public final class EndedSessions {
  private final Cache<String, Long> ended;

  /** {@code keep}: the longest a token lives (the session maximum age), after which no entry is needed. */
  public EndedSessions(int max, Duration keep) {
    this.ended = Caffeine.newBuilder().maximumSize(max).expireAfterWrite(keep).build();
  }

  /** Remembers {@code id} as ended until {@code tokenExpiresAt} (the token clock's millis). */
  void add(String id, long tokenExpiresAt) {
    ended.asMap().putIfAbsent(id, tokenExpiresAt);
  }

  /** Whether {@code id} was ended and its token has not expired yet at {@code now} (the token clock's millis). */
  boolean contains(String id, long now) {
    Long expires = ended.getIfPresent(id);
    return expires != null && expires > now;
  }
}
