package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.dispatch.ResourceSubscriptions.Upstream;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This instance's one upstream hold per upstream resource that some of its sessions subscribed to
 * ({@link ResourceSubscriptions}): taken when the first session subscribes, given up when the last one leaves.
 * Taking is asynchronous (the server is looked up before the pool counts the hold), so a release may come while
 * the hold is still being taken: it is then given up once taken, never before — an early give-up would find
 * nothing to release in the pool, and the hold taken just after it would stay for good (an upstream subscription
 * nobody releases). A hold that failed holds nothing and is not given up. Confined to the verticle's event loop.
 */
final class UpstreamHolds {
  private final Function<Upstream, Future<Void>> take;
  private final Consumer<Upstream> giveUp;
  private final Map<Upstream, Future<Void>> holds = new HashMap<>();

  /** {@code take}: one more holder upstream (completes when held); {@code giveUp}: one fewer. */
  UpstreamHolds(Function<Upstream, Future<Void>> take, Consumer<Upstream> giveUp) {
    this.take = take;
    this.giveUp = giveUp;
  }

  /** The hold of {@code upstream}, taken now when there is none (the first subscriber here). */
  Future<Void> hold(Upstream upstream) {
    Future<Void> hold = holds.get(upstream);
    if (hold == null) {
      hold = take.apply(upstream);
      holds.put(upstream, hold);
    }
    return hold;
  }

  /** True while {@code hold} is still this instance's hold of {@code upstream} (not released, not replaced). */
  boolean current(Upstream upstream, Future<Void> hold) {
    return holds.get(upstream) == hold;
  }

  /** No subscriber here is left on {@code upstream}: its hold goes, once taken. */
  void release(Upstream upstream) {
    Future<Void> hold = holds.remove(upstream);
    if (hold != null) {
      hold.onSuccess(v -> giveUp.accept(upstream));
    }
  }

  /** Upstream resources held or being taken. */
  int size() {
    return holds.size();
  }
}
