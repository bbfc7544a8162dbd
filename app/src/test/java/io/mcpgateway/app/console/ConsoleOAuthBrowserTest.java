package io.mcpgateway.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.app.Node;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Console sign-in through a real authorization server (mock-oauth2-server on loopback): authorization code with
 * PKCE as a public client, the code swapped from the browser, the access token then used on /api/v1.
 */
class ConsoleOAuthBrowserTest {
  private static final String PUBLIC = "https://gateway.test";

  @RegisterExtension
  static final Browser browser = new Browser();

  private static MockOAuth2Server authServer;
  private static Node node;
  private static String schema;

  @BeforeAll
  static void start() throws Exception {
    authServer = new MockOAuth2Server();
    authServer.start(InetAddress.getByName("127.0.0.1"), 0);
    schema = TestServices.freshSchema("console_oauth");
    Path dataDir = Files.createTempDirectory("mgw-console-oauth-");
    node = Node.start(new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0").put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dataDir.toString())
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)
        .put("MGW_PUBLIC_URL", PUBLIC).put("MGW_OAUTH_ISSUER", authServer.issuerUrl("mgw").toString())
        .put("MGW_CONSOLE_OAUTH_CLIENT_ID", "mgw-console"));
  }

  @AfterAll
  static void stop() {
    browser.close();
    if (node != null) {
      node.stop();
    }
    if (authServer != null) {
      authServer.shutdown();
    }
    TestServices.dropSchema(schema);
  }

  @Test
  void a_user_signs_in_through_the_issuer_with_pkce() throws Exception {
    String console = "http://127.0.0.1:" + node.managementPort() + "/";
    JsonObject config = new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(console + "api/v1/console-config"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(config.getJsonObject("oauth").getString("clientId")).isEqualTo("mgw-console");
    assertThat(config.getJsonObject("oauth").getString("audience")).isEqualTo(PUBLIC);
    assertThat(config.getJsonObject("oauth").getJsonArray("scopes")).as("the console asks to manage").contains("mgw:manage");

    String subject = "carol-" + UUID.randomUUID().toString().substring(0, 6);
    authServer.enqueueCallback(new DefaultOAuth2TokenCallback("mgw", subject, "JWT", List.of(PUBLIC),
        Map.of("name", "Carol", "email", subject + "@example.com", "scope", "openid mgw:manage"), 3600));
    browser.open(console);
    browser.visible(By.id("oauth-sign-in")).click();
    browser.textIn(By.id("who-name"), "Carol");
    browser.shot("signed-in");
    assertThat(browser.driver().getCurrentUrl()).as("code and state leave the address bar").doesNotContain("code=")
        .doesNotContain("state=").endsWith("#/presets");
    String method = null;
    for (int i = 0; i < 20 && method == null; i++) {
      var request = authServer.takeRequest(2, java.util.concurrent.TimeUnit.SECONDS);
      if (request == null) {
        break;
      }
      if (request.getRequestUrl() != null && request.getRequestUrl().encodedPath().endsWith("/authorize")) {
        method = request.getRequestUrl().queryParameter("code_challenge_method");
        assertThat(request.getRequestUrl().queryParameter("code_challenge")).isNotBlank();
        assertThat(request.getRequestUrl().queryParameter("client_id")).isEqualTo("mgw-console");
      }
    }
    assertThat(method).as("the authorization request used PKCE").isEqualTo("S256");
    browser.visible(By.id("presets-table"));
    assertThat(browser.severeLogs()).isEmpty();
  }
}
