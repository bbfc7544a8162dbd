package io.mcpgateway.gateway.catalog;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The last answer each upstream server gave for one kind of listing (issue 13 item 8): once a server has
 * answered, callers get that answer at once while a fresh one is fetched behind them, so a hanging or dead
 * server never stalls a request; only the very first contact waits (bounded by the fetch's own timeout).
 * When a fresh answer differs from the last one, or a server that had been left out answers, {@code changed}
 * runs (the catalogs are rebuilt and clients told {@code list_changed}). Confined to one event loop; bounded by
 * the number of servers.
 */
final class LastGood<T> {
  private final Map<UUID, T> values = new HashMap<>();
  private final Map<UUID, Future<T>> fetching = new HashMap<>();
  /** Servers a request had to leave out because they had never answered. */
  private final Set<UUID> missed = new HashSet<>();
  private final Changed<T> changed;

  /** A server's answer differs from its last one ({@code previous}; null for a server that had been left out). */
  interface Changed<T> {
    void changed(UUID serverId, T previous, T current);
  }

  LastGood(Changed<T> changed) {
    this.changed = changed;
  }

  Future<T> get(UUID serverId, Supplier<Future<T>> fetch) {
    Future<T> fresh = refresh(serverId, fetch);
    T last = values.get(serverId);
    if (last != null) {
      return Future.succeededFuture(last);
    }
    return fresh.onFailure(e -> missed.add(serverId));
  }

  /** Fetches again (one fetch per server at a time); the result replaces the last good one when it succeeds. */
  Future<T> refresh(UUID serverId, Supplier<Future<T>> fetch) {
    Future<T> running = fetching.get(serverId);
    if (running != null) {
      return running;
    }
    Future<T> started = fetch.get();
    fetching.put(serverId, started);
    started.onComplete(ar -> {
      fetching.remove(serverId, started);
      if (ar.succeeded()) {
        T previous = values.put(serverId, ar.result());
        boolean wasMissed = missed.remove(serverId);
        if ((previous != null && !previous.equals(ar.result())) || (previous == null && wasMissed)) {
          changed.changed(serverId, previous, ar.result());
        }
      }
    });
    return started;
  }

  boolean has(UUID serverId) {
    return values.containsKey(serverId);
  }

  Set<UUID> servers() {
    return Set.copyOf(values.keySet());
  }

  void forget(UUID serverId) {
    values.remove(serverId);
    missed.remove(serverId);
  }
}
