package io.mcpgateway.model.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A bounded, expiring Caffeine cache of Vert.x futures: concurrent misses for one key share one load
 * (no stampede), and a failed load is forgotten so the next caller retries.
 */
public final class FutureCache<K, V> {
  private final Cache<K, Future<V>> cache;

  public FutureCache(long maxSize, Duration ttl) {
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(ttl).build();
  }

  public Future<V> get(K key, Function<K, Future<V>> loader) {
    Future<V> future = cache.get(key, loader);
    if (future.failed()) {
      cache.asMap().remove(key, future);
    } else if (!future.isComplete()) {
      future.onFailure(e -> cache.asMap().remove(key, future));
    }
    return future;
  }

  public void invalidate(K key) {
    cache.invalidate(key);
  }

  public void invalidateIf(Predicate<K> test) {
    cache.asMap().keySet().removeIf(test);
  }

  public void invalidateAll() {
    cache.invalidateAll();
  }
}
