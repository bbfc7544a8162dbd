package io.mcpgateway.gateway.session;

/**
 * What one gateway instance spends on keeping SSE events for replay ({@link EventStreams}): the bytes kept by all
 * its session views, at most {@link #MAX_BYTES}, and the numbers of its streams, never reused. Confined to the
 * instance's event loop.
 */
final class ReplayBudget {
  /** Bytes of SSE events one instance keeps for replay; beyond, new events are sent but not kept. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private final long max;
  private long used;
  private long streams;

  ReplayBudget(long max) {
    this.max = max;
  }

  boolean take(int bytes) {
    if (used + bytes > max) {
      return false;
    }
    used += bytes;
    return true;
  }

  void release(int bytes) {
    used -= bytes;
  }

  long used() {
    return used;
  }

  long nextStreamNumber() {
    return ++streams;
  }
}
