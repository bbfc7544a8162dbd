package io.mcpgateway.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline instead of sleeping a fixed time. */
public final class Eventually {
  private Eventually() {}

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
  }
}
