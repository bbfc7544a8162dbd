package io.mcpgateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fallbacks of {@link TestServices}, taken for real: with the local ports pointed at closed ones (and no
 * Docker engine here), PostgreSQL comes from the embedded server and Redis from a {@code redis-server} the
 * tests start. (The cached {@link TestServices#pgUrl()} of this JVM is not touched.)
 */
class TestServicesTest {
  @AfterEach
  void clear() {
    System.clearProperty("MGW_TEST_LOCAL_PG_PORT");
    System.clearProperty("MGW_TEST_LOCAL_REDIS_PORT");
  }

  private static int closedPort() throws Exception {
    try (var s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void without_a_local_postgresql_or_docker_the_embedded_one_serves() throws Exception {
    assumeTrue(System.getenv("MGW_TEST_PG_URL") == null && !TestServices.dockerAvailable(), "explicit URL or Docker wins");
    System.setProperty("MGW_TEST_LOCAL_PG_PORT", String.valueOf(closedPort()));
    URI url = TestServices.resolvePostgres();
    assertThat(url.getPath()).isEqualTo("/postgres");
    try (var c = DriverManager.getConnection("jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath(),
        "postgres", ""); var rs = c.createStatement().executeQuery("SHOW server_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("17.");
    }
  }

  @Test
  void without_a_local_redis_or_docker_a_redis_server_on_path_is_started() throws Exception {
    assumeTrue(System.getenv("MGW_TEST_REDIS_URL") == null && !TestServices.dockerAvailable(), "explicit URL or Docker wins");
    System.setProperty("MGW_TEST_LOCAL_REDIS_PORT", String.valueOf(closedPort()));
    URI url = TestServices.resolveRedis();
    try (Socket s = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("+PONG");
    }
  }

  @Test
  void an_explicit_url_wins() {
    System.setProperty("MGW_TEST_LOCAL_PG_PORT", "1");
    assumeTrue(System.getenv("MGW_TEST_PG_URL") == null);
    System.setProperty("MGW_TEST_PG_URL", "postgresql://someone@db.example:6543/x");
    try {
      assertThat(TestServices.resolvePostgres()).isEqualTo(URI.create("postgresql://someone@db.example:6543/x"));
    } finally {
      System.clearProperty("MGW_TEST_PG_URL");
    }
  }
}
