package io.mcpgateway.model.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Where the PostgreSQL database is and how to use it; built from {@code MGW_PG_URL} or the embedded server. */
public record PgSettings(
    String host, int port, String database, String user, String password, String schema, int poolSize,
    Duration timeout) {

  /** Parses {@code postgresql://user:password@host:port/database}. */
  public static PgSettings fromUri(URI uri, String schema, int poolSize, Duration timeout) {
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new PgSettings(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432,
        path.isEmpty() ? "postgres" : path, user, password, schema, poolSize, timeout);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public PgSettings withSchema(String newSchema) {
    return new PgSettings(host, port, database, user, password, newSchema, poolSize, timeout);
  }

  /** For logs: no password. */
  public String describe() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + " (schema " + schema + ")";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
