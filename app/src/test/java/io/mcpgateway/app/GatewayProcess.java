package io.mcpgateway.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway node in its own JVM ({@code Main} on this test's class path), configured by environment, with
 * its ports read from the ready line it logs. For tests that need real, killable nodes.
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("MCP port (-?\\d+), management port (-?\\d+), metrics port (-?\\d+)");

  private final String name;
  private final Process process;
  private final Deque<String> tail = new ArrayDeque<>();
  private final CompletableFuture<int[]> ports = new CompletableFuture<>();

  private GatewayProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::read, "gateway-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static GatewayProcess start(String name, Map<String, String> env, Duration readyWithin) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("MGW_"));
    builder.environment().putAll(env);
    try {
      GatewayProcess node = new GatewayProcess(name, builder.start());
      node.ports.get(readyWithin.toMillis(), TimeUnit.MILLISECONDS);
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("gateway node " + name + " did not become ready: " + e, e);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 200) {
            tail.removeFirst();
          }
        }
        Matcher m = READY.matcher(line);
        if (m.find()) {
          ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        }
      }
    } catch (IOException e) {
      // the process went away
    }
    ports.completeExceptionally(new IllegalStateException("exited before ready; last output:\n" + output()));
  }

  int gatewayPort() {
    return ports.join()[0];
  }

  int managementPort() {
    return ports.join()[1];
  }

  /** The last lines the node printed (for failure messages). */
  String output() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** Kills the JVM at once (SIGKILL): no drain, no goodbye to the cluster. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
      }
    }
  }

  @Override
  public String toString() {
    return "node " + name;
  }
}
