package io.mcpgateway.app.jar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code java -jar app/target/mcp-gateway.jar} child process: the shipped artifact, not the reactor
 * classpath. Its environment is ours minus every inherited {@code MGW_*} variable, plus the given ones; its
 * stdout and stderr go to {@code target/jar-it/NAME.out|.err}. The bound ports are read from the node's
 * "ready" log line (every port is configured as 0, so the kernel picks free ones).
 */
public final class JarProcess implements AutoCloseable {
  public static final Path JAR = Path.of(System.getProperty("mgw.jar", "target/mcp-gateway.jar")).toAbsolutePath();
  private static final Path LOGS = Path.of("target", "jar-it").toAbsolutePath();
  private static final Pattern READY = Pattern.compile(
      "mcp-gateway ready in (\\d+) ms: roles \\[[^]]*], MCP port (-?\\d+), management port (-?\\d+), metrics port (-?\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;
  private int gatewayPort = -1;
  private int managementPort = -1;
  private int metricsPort = -1;
  private long readyMillis = -1;

  private JarProcess(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts the jar with the given environment and arguments; returns at once (see {@link #awaitReady}). */
  public static JarProcess start(String name, Map<String, String> env, String... args) {
    return start(name, env, List.of(), args);
  }

  /** As {@link #start(String, Map, String...)}, with extra JVM options (system properties) before {@code -jar}. */
  public static JarProcess start(String name, Map<String, String> env, List<String> jvmOptions, String... args) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: the jar tests run after `package` (mvn verify)");
    }
    try {
      Files.createDirectories(LOGS);
      Path out = LOGS.resolve(name + ".out");
      Path err = LOGS.resolve(name + ".err");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // Frugal child JVMs: the machine is shared. None of these flags changes what is on the classpath.
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m",
          "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.local.localAddress=127.0.0.1"));
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", JAR.toString()));
      command.addAll(List.of(args));
      var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("MGW_"));
      var defaults = new LinkedHashMap<String, String>();
      defaults.put("MGW_HTTP_HOST", "127.0.0.1");
      defaults.put("MGW_HTTP_PORT", "0");
      defaults.put("MGW_MANAGEMENT_PORT", "0");
      defaults.put("MGW_METRICS_PORT", "0");
      defaults.put("MGW_SHUTDOWN_GRACE", "1s");
      defaults.putAll(env);
      builder.environment().putAll(defaults);
      JarProcess p = new JarProcess(name, builder.start(), out, err);
      ALL.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** Every child started by this JVM, killed on exit even if a test forgot (or the JVM is stopped). */
  private static final List<JarProcess> ALL = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(JarProcess::kill), "jar-it-reaper"));
  }

  /** The log tails of every child still running (printed when a test fails). */
  static String tailsOfRunning() {
    StringBuilder b = new StringBuilder();
    ALL.forEach(p -> b.append(p.tail()));
    return b.toString();
  }

  /** Waits for the ready log line, then for {@code /ready} = 200 on every listener; fails with the log tail. */
  public JarProcess awaitReady(Duration timeout) {
    long begin = System.nanoTime();
    long deadline = begin + timeout.toNanos();
    while (true) {
      Matcher m = READY.matcher(read(out));
      if (m.find()) {
        readyMillis = Long.parseLong(m.group(1));
        gatewayPort = Integer.parseInt(m.group(2));
        managementPort = Integer.parseInt(m.group(3));
        metricsPort = Integer.parseInt(m.group(4));
        break;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with code " + process.exitValue() + " before it was ready\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not ready after " + timeout.toMillis() + " ms\n" + tail());
      }
      pause();
    }
    for (int port : new int[] {gatewayPort, managementPort, metricsPort}) {
      if (port <= 0) {
        continue;
      }
      while (true) {
        HttpResponse<String> r = get(port, "/ready");
        if (r != null && r.statusCode() == 200) {
          break;
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(name + ": /ready on port " + port + " is not 200 ("
              + (r == null ? "no answer" : r.statusCode() + " " + r.body()) + ")\n" + tail());
        }
        pause();
      }
    }
    return this;
  }

  /** GET http://127.0.0.1:port/path, or null when nothing answers. */
  public static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int gatewayPort() {
    return gatewayPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public int metricsPort() {
    return metricsPort;
  }

  /** The start-up time the node itself logged. */
  public long readyMillis() {
    return readyMillis;
  }

  public String name() {
    return name;
  }

  public String stdout() {
    return read(out);
  }

  /** The last lines of the child's stdout and stderr, for failure messages. */
  public String tail() {
    return "---- " + name + " stdout (" + out + ") ----\n" + lastLines(read(out), 40)
        + "---- " + name + " stderr (" + err + ") ----\n" + lastLines(read(err), 40);
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
      b.append(lines[i]).append('\n');
    }
    return b.toString();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM (the node drains and stops its embedded database), then SIGKILL after 20 s; children too. */
  @Override
  public void close() {
    var descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    ALL.remove(this);
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
