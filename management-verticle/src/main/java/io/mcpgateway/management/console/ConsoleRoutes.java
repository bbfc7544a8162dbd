package io.mcpgateway.management.console;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.management.http.Api;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.MimeMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;

/**
 * The web console: static ES modules from the jar at {@code /} of the management port (same origin as
 * {@code /api/v1}, so no CORS), the chart library from its WebJar at {@code /vendor/uplot/}, the anonymous
 * {@code GET /api/v1/console-config} it starts from, and the security headers of every management answer.
 *
 * <p>CSRF: the API accepts credentials only in the {@code Authorization} header, never from a cookie, so a
 * page on another origin cannot make the browser send them; that header is the guard (docs/CONSOLE.md).
 */
public final class ConsoleRoutes {
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final GatewayConfig config;

  public ConsoleRoutes(GatewayConfig config) {
    this.config = config;
  }

  /** Mounted first: every answer of the management port carries them (API answers too). */
  public void mountHeaders(Router router) {
    String csp = contentSecurityPolicy();
    router.route().handler(ctx -> {
      ctx.response().headers()
          .set("Content-Security-Policy", csp)
          .set("X-Content-Type-Options", "nosniff")
          .set("X-Frame-Options", "DENY")
          .set("Referrer-Policy", "no-referrer")
          .set("Cross-Origin-Opener-Policy", "same-origin");
      ctx.next();
    });
  }

  public void mountApi(Api api) {
    api.anonymousRoute(new Api.Operation(HttpMethod.GET, "/console-config", "console",
        "What the web console needs before sign-in: the MCP endpoint URL and the OAuth client, if any",
        null, 200, "ConsoleConfig", false, true), this::consoleConfig);
  }

  /** After the API routes: the console's files, then the chart library. Unknown files fall through to 404. */
  public void mountStatic(Router router) {
    // HEAD answers like GET without a body: StaticHandler serves both, but names the type only for GET.
    router.route().method(HttpMethod.HEAD).handler(ConsoleRoutes::headContentType);
    router.route("/vendor/uplot/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticHandler.create("META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist")
        .setCachingEnabled(true).setMaxAgeSeconds(86_400));
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(StaticHandler.create("console").setIndexPage("index.html")
        // The console is small; always revalidate so an upgrade shows at once.
        .setCachingEnabled(false).setDirectoryListing(false));
  }

  /** The Content-Type a GET of the same file gets from StaticHandler (text types in UTF-8); a 404 replaces it. */
  private static void headContentType(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String type = MimeMapping.mimeTypeForFilename(path.endsWith("/") ? "index.html" : path);
    if (type != null) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type.startsWith("text") ? type + ";charset=UTF-8" : type);
    }
    ctx.next();
  }

  private Future<Reply> consoleConfig(RoutingContext ctx) {
    URI publicUrl = config.http().publicUrl();
    JsonObject out = new JsonObject()
        .put("mcpBaseUrl", publicUrl.toString())
        .put("mcpPathTemplate", "/mcp/{slug}");
    Optional<URI> issuer = config.security().oauthIssuer();
    Optional<String> clientId = config.security().oauth().consoleClientId();
    if (issuer.isPresent() && clientId.isPresent()) {
      out.put("oauth", new JsonObject().put("issuer", issuer.get().toString()).put("clientId", clientId.get())
          .put("audience", config.security().oauth().audience())
          // The console manages: it asks for the management scope(s) as well as the data plane's.
          .put("scopes", new JsonArray(java.util.stream.Stream.concat(config.security().oauth().requiredScopes().stream(),
              config.security().oauth().managementScopes().stream()).distinct().toList())));
    } else {
      out.putNull("oauth");
    }
    return Future.succeededFuture(Reply.ok(out));
  }

  /**
   * No inline script or style anywhere; scripts, styles and fetches from this origin only, plus the OAuth
   * issuer's origin (discovery document and token endpoint) when the console signs in through it.
   */
  String contentSecurityPolicy() {
    String connect = "'self'";
    if (config.security().oauthIssuer().isPresent() && config.security().oauth().consoleClientId().isPresent()) {
      connect += " " + origin(config.security().oauthIssuer().get());
    }
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src " + connect + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
  }

  /** The WebJar's version from its own Maven metadata, so the pom alone says which uPlot ships. */
  static String uplotVersion() {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar is missing from the classpath (" + UPLOT_POM + ")");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + UPLOT_POM, e);
    }
  }
}
