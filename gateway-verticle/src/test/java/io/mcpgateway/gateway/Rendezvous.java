package io.mcpgateway.gateway;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Clients' handlers meeting: each waits (at most 3 s) for the others, so their requests are in flight at once. */
final class Rendezvous {
  private Rendezvous() {}

  static void meet(CountDownLatch together) {
    together.countDown();
    try {
      together.await(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
