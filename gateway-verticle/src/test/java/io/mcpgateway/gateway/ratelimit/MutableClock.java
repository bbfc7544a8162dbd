package io.mcpgateway.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, so a one-minute window slides without waiting a minute. */
final class MutableClock extends Clock {
  private volatile long millis;

  MutableClock(long startMillis) {
    this.millis = startMillis;
  }

  void advance(Duration d) {
    millis += d.toMillis();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public long millis() {
    return millis;
  }
}
