package io.mcpgateway.testing;

import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;

/**
 * Addresses of the real services tests use, from the environment with local defaults:
 * {@code MGW_TEST_PG_URL} (postgresql://postgres@127.0.0.1:5432/test) and {@code MGW_TEST_REDIS_URL}
 * (redis://127.0.0.1:6379). Each test class takes a fresh schema, so runs never see each other's data.
 */
public final class TestServices {
  private TestServices() {}

  public static URI pgUrl() {
    return URI.create(env("MGW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"));
  }

  public static URI redisUrl() {
    return URI.create(env("MGW_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
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

  private static String env(String key, String fallback) {
    String v = System.getenv(key);
    if (v == null || v.isBlank()) {
      v = System.getProperty(key);
    }
    return v == null || v.isBlank() ? fallback : v;
  }
}
