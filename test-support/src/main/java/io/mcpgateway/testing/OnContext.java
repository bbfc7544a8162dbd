package io.mcpgateway.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;

/**
 * Runs test code on a given Vert.x context and waits for it from the test thread: for classes confined to
 * one context (the upstream pool, a client connection), exercised as their verticle would.
 */
public final class OnContext {
  private OnContext() {}

  /** Runs {@code work} on the context and returns its value. */
  public static <T> T call(Context context, Callable<T> work) {
    return Future.<T>future(p -> context.runOnContext(v -> {
      try {
        p.complete(work.call());
      } catch (Exception e) {
        p.fail(e);
      }
    })).await();
  }

  /** Starts the asynchronous {@code op} on the context and waits for its outcome. */
  public static <T> T await(Context context, Callable<Future<T>> op) {
    return Future.<T>future(p -> context.runOnContext(v -> {
      try {
        op.call().onComplete(p);
      } catch (Exception e) {
        p.fail(e);
      }
    })).await();
  }
}
