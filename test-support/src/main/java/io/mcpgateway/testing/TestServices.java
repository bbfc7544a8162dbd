package io.mcpgateway.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The real services tests use, each resolved once per test JVM (lazily, on first use) in this order, with one
 * log line saying which was chosen:
 * <ol>
 *   <li>an explicit {@code MGW_TEST_PG_URL} / {@code MGW_TEST_REDIS_URL} (environment or system property);
 *   <li>a local service that answers on 127.0.0.1:5432 (database {@code test}, trust) / 127.0.0.1:6379 (ports
 *       overridable with {@code MGW_TEST_LOCAL_PG_PORT} / {@code MGW_TEST_LOCAL_REDIS_PORT});
 *   <li>a Testcontainers container when a Docker engine is available ({@code MGW_TEST_DOCKER=false} skips it);
 *   <li>for PostgreSQL, the embedded PostgreSQL the product ships (zonky), one per test JVM, shared by all
 *       test classes; for Redis, a {@code redis-server} found on {@code PATH}, started on a free port.
 * </ol>
 * Each test class takes a fresh schema ({@link #freshSchema}), so runs never see each other's data. Whatever
 * these methods start is stopped when the JVM exits.
 */
public final class TestServices {
  private static final Logger LOG = LoggerFactory.getLogger(TestServices.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);
  private static URI pg;
  private static URI redis;
  private static Boolean docker;

  private TestServices() {}

  /** {@code postgresql://user[:password]@host:port/db} of the test PostgreSQL (resolved on first call). */
  public static synchronized URI pgUrl() {
    if (pg == null) {
      pg = resolvePostgres();
    }
    return pg;
  }

  /** {@code redis://host:port} of the test Redis (resolved on first call). */
  public static synchronized URI redisUrl() {
    if (redis == null) {
      redis = resolveRedis();
    }
    return redis;
  }

  static URI resolvePostgres() {
    Optional<String> explicit = setting("MGW_TEST_PG_URL");
    if (explicit.isPresent()) {
      return chosen("PostgreSQL", "MGW_TEST_PG_URL", URI.create(explicit.get()));
    }
    int port = Integer.parseInt(setting("MGW_TEST_LOCAL_PG_PORT").orElse("5432"));
    if (answers("127.0.0.1", port)) {
      return chosen("PostgreSQL", "the local service on 127.0.0.1:" + port,
          URI.create("postgresql://postgres@127.0.0.1:" + port + "/test"));
    }
    if (dockerAvailable()) {
      var container = new GenericContainer<>("postgres:17-alpine").withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
          .withEnv("POSTGRES_DB", "test").withExposedPorts(5432)
          .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2));
      container.start();
      return chosen("PostgreSQL", "a Testcontainers container (" + container.getDockerImageName() + ")",
          URI.create("postgresql://postgres@" + container.getHost() + ":" + container.getMappedPort(5432) + "/test"));
    }
    long begin = System.nanoTime();
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the data directory is temporary anyway
        }
      }, "test-postgres-stop"));
      return chosen("PostgreSQL", "the embedded PostgreSQL (zonky, started in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms; no local service on 127.0.0.1:" + port
          + ", no Docker engine)", URI.create("postgresql://postgres@127.0.0.1:" + embedded.getPort() + "/postgres"));
    } catch (IOException e) {
      throw new UncheckedIOException("no PostgreSQL for tests: none on 127.0.0.1:" + port
          + ", no Docker engine, and the embedded one did not start (set MGW_TEST_PG_URL)", e);
    }
  }

  static URI resolveRedis() {
    Optional<String> explicit = setting("MGW_TEST_REDIS_URL");
    if (explicit.isPresent()) {
      return chosen("Redis", "MGW_TEST_REDIS_URL", URI.create(explicit.get()));
    }
    int port = Integer.parseInt(setting("MGW_TEST_LOCAL_REDIS_PORT").orElse("6379"));
    if (answers("127.0.0.1", port)) {
      return chosen("Redis", "the local service on 127.0.0.1:" + port, URI.create("redis://127.0.0.1:" + port));
    }
    if (dockerAvailable()) {
      var container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379)
          .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\s", 1));
      container.start();
      return chosen("Redis", "a Testcontainers container (" + container.getDockerImageName() + ")",
          URI.create("redis://" + container.getHost() + ":" + container.getMappedPort(6379)));
    }
    Optional<Path> binary = onPath("redis-server");
    if (binary.isPresent()) {
      return startRedis(binary.get());
    }
    throw new IllegalStateException("no Redis for tests: none on 127.0.0.1:" + port
        + ", no Docker engine, no redis-server on PATH (set MGW_TEST_REDIS_URL)");
  }

  /** Starts {@code redis-server} on a free loopback port, without persistence. */
  private static URI startRedis(Path binary) {
    long begin = System.nanoTime();
    int port = freePort();
    try {
      Process process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "test-redis-stop"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!answers("127.0.0.1", port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException(binary + " did not start on port " + port);
        }
        Thread.sleep(20);
      }
      return chosen("Redis", "a redis-server started by the tests (" + binary + ", ready in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms; no local service, no Docker engine)",
          URI.create("redis://127.0.0.1:" + port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static URI chosen(String service, String source, URI url) {
    LOG.info("Test {}: {} -> {}", service, source, url);
    return url;
  }

  /**
   * Whether Testcontainers can reach a Docker engine. Without any engine endpoint (no DOCKER_HOST, no
   * docker.host in ~/.testcontainers.properties, no known socket) it answers false at once, without asking
   * Testcontainers (whose own probing is slow and loud when there is nothing to find).
   */
  static synchronized boolean dockerAvailable() {
    if (docker == null) {
      docker = probeDocker();
    }
    return docker;
  }

  private static boolean probeDocker() {
    if (setting("MGW_TEST_DOCKER").map("false"::equalsIgnoreCase).orElse(false)) {
      LOG.info("Testcontainers skipped (MGW_TEST_DOCKER=false)");
      return false;
    }
    String home = System.getProperty("user.home");
    boolean endpoint = setting("DOCKER_HOST").isPresent() || configuredDockerHost(Path.of(home, ".testcontainers.properties"));
    List<Path> sockets = List.of(Path.of("/var/run/docker.sock"), Path.of(home, ".docker/run/docker.sock"),
        Path.of(home, ".docker/desktop/docker.sock"), Path.of(home, ".colima/default/docker.sock"),
        Path.of(home, ".rd/docker.sock"), Path.of(System.getenv().getOrDefault("XDG_RUNTIME_DIR", "/nonexistent"),
            "docker.sock"));
    endpoint = endpoint || sockets.stream().anyMatch(Files::exists);
    if (!endpoint) {
      LOG.info("Testcontainers skipped: no Docker engine (no DOCKER_HOST, no docker socket)");
      return false;
    }
    try {
      boolean ok = DockerClientFactory.instance().isDockerAvailable();
      LOG.info(ok ? "Docker engine found: Testcontainers available" : "Testcontainers skipped: the Docker engine does not answer");
      return ok;
    } catch (RuntimeException | LinkageError e) {
      LOG.info("Testcontainers skipped: {}", e.toString());
      return false;
    }
  }

  private static boolean configuredDockerHost(Path properties) {
    try {
      return Files.exists(properties) && Files.readAllLines(properties).stream().anyMatch(l -> l.startsWith("docker.host"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static int freePort() {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates an empty schema with a unique name and returns its name. */
  public static String freshSchema(String purpose) {
    String name = ("t_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
        + UUID.randomUUID().toString().substring(0, 8));
    if (name.length() > 60) {
      name = name.substring(0, 51) + name.substring(name.length() - 9);
    }
    try (var c = DriverManager.getConnection(jdbcUrl(), user(), password()); var st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test schema in " + jdbcUrl()
          + " (is PostgreSQL running? set MGW_TEST_PG_URL)", e);
    }
    return name;
  }

  public static void dropSchema(String schema) {
    try (var c = DriverManager.getConnection(jdbcUrl(), user(), password()); var st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }

  public static String jdbcUrl() {
    URI u = pgUrl();
    return "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : 5432) + u.getPath();
  }

  private static String user() {
    String info = pgUrl().getUserInfo();
    return info == null ? "postgres" : info.split(":", 2)[0];
  }

  private static String password() {
    String info = pgUrl().getUserInfo();
    return info == null || !info.contains(":") ? "" : info.split(":", 2)[1];
  }

  private static Optional<String> setting(String key) {
    String v = System.getenv(key);
    if (v == null || v.isBlank()) {
      v = System.getProperty(key);
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }
}
