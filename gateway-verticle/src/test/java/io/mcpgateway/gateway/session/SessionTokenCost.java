package io.mcpgateway.gateway.session;

import io.mcpgateway.model.crypto.SecretBox;
import java.time.*;
import java.util.UUID;
/** Not a test: CPU cost of opening and issuing a session token (docs/PERFORMANCE.md). Run with the fat jar and test classes on the class path. */
public final class SessionTokenCost {
  private SessionTokenCost() {}

  public static void main(String[] a) {
    SessionTokens t = new SessionTokens(SecretBox.fromBase64(SecretBox.generateKey()), Duration.ofHours(24), Clock.systemUTC());
    UUID p = UUID.randomUUID();
    String id = t.issue(p, "2025-11-25", UUID.randomUUID().toString());
    long sink = 0;
    for (int round = 0; round < 5; round++) {
      int n = 200_000;
      long s = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) sink += t.open(id).get().issuedAtMillis();
      long open = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - s;
      s = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      for (int i = 0; i < n / 4; i++) sink += t.issue(p, "2025-11-25", "ip:127.0.0.1").length();
      long issue = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - s;
      System.out.printf("round %d: open %.2f µs, issue %.2f µs (id %d chars)%n", round, open / 1000.0 / n, issue / 1000.0 / (n / 4), id.length());
    }
    System.out.println(sink == 42 ? "" : "ok");
  }
}
