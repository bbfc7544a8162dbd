package io.mcpgateway.app;

import io.mcpgateway.model.db.PgSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded PostgreSQL a node runs when no {@code MGW_PG_URL} is given, so {@code java -jar} alone is a
 * working single node. Its data lives under {@code MGW_DATA_DIR/postgres} and survives restarts.
 */
final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  static EmbeddedDatabase start(String dataDir) {
    Path dir = Path.of(dataDir).toAbsolutePath().normalize().resolve("postgres");
    try {
      Files.createDirectories(dir.getParent());
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(30))
          .start();
      return new EmbeddedDatabase(pg, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  PgSettings settings(String schema, int poolSize, Duration timeout) {
    return new PgSettings("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", schema, poolSize, timeout);
  }

  Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
