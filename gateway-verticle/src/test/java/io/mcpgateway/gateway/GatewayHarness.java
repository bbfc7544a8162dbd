package io.mcpgateway.gateway;

import io.mcpgateway.config.ConfigLoader;
import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.NodeSettings;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A deployed GatewayVerticle on an ephemeral port over a fresh, migrated schema, plus test-data builders. */
final class GatewayHarness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final GatewayConfig config;
  final PgSettings pg;
  final Pool pool;
  final SecretBox secrets = SecretBox.fromBase64(SecretBox.generateKey());
  final UpstreamServerStore servers = new UpstreamServerStore(secrets);
  final PresetStore presets = new PresetStore();
  final GatewayVerticle gateway;
  /** Every deployed instance (the first is {@link #gateway}). */
  final List<GatewayVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
  final Principal owner;

  GatewayHarness(String purpose, JsonObject overrides) {
    this(purpose, overrides, 1);
  }

  /** {@code instances} gateway verticle instances on one port, as a node deploys them. */
  GatewayHarness(String purpose, JsonObject overrides, int instanceCount) {
    String schema = TestServices.freshSchema(purpose);
    JsonObject settings = new JsonObject()
        .put("MGW_HTTP_HOST", "127.0.0.1")
        .put("MGW_HTTP_PORT", "0")
        .put("MGW_PG_URL", TestServices.pgUrl().toString())
        .put("MGW_PG_SCHEMA", schema)
        .put("MGW_TOOL_CALL_TIMEOUT", "5s")
        .put("MGW_CATALOG_TIMEOUT", "10s")
        .put("MGW_SHUTDOWN_GRACE", "1s")
        .mergeIn(overrides);
    config = bounded(ConfigLoader.load(vertx, settings), "loading the configuration");
    pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    pool = Database.pool(vertx, pg);
    var node = new NodeSettings(config, pg, secrets);
    var shared = GatewayVerticle.NodeWide.of(node);
    bounded(vertx.deployVerticle(() -> {
      var instance = new GatewayVerticle(node, shared);
      instances.add(instance);
      return instance;
    }, new io.vertx.core.DeploymentOptions().setInstances(instanceCount)), "deploying " + instanceCount + " gateway instance(s)");
    gateway = instances.get(0);
    owner = bounded(new PrincipalStore().upsert(pool, "https://issuer.test", "owner-" + UUID.randomUUID(), null, "Owner",
        false), "creating the owner principal");
  }

  int port() {
    return gateway.port();
  }

  String base() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * One request to {@code /mcp/{slug}} on a fresh connection (so consecutive requests land on different gateway
   * instances), awaited; with {@code into} the body streams into it (a GET stream), else it is read whole.
   */
  io.vertx.core.http.HttpClientResponse sendFresh(io.vertx.core.http.HttpMethod method, String slug, String session,
      JsonObject body, StringBuilder into) {
    var client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
    var options = new io.vertx.core.http.RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port())
        .setURI("/mcp/" + slug).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Content-Type", "application/json");
    if (session != null) {
      options.putHeader("Mcp-Session-Id", session);
    }
    var stage = new java.util.concurrent.atomic.AtomicReference<>("connecting");
    io.vertx.core.Promise<io.vertx.core.http.HttpClientResponse> answered = io.vertx.core.Promise.promise();
    // Made from a context of its own, not from the test thread: a request made from outside Vert.x completes its
    // futures on a context other than its connection's, so the step after the response head can run after the
    // response ended, and a body handler set then never hears of it (a 202 or a short JSON answer awaited for good).
    vertx.getOrCreateContext().runOnContext(v -> client.request(options).compose(r -> {
      stage.set("connected, awaiting the response head");
      return body == null ? r.send() : r.send(body.toBuffer());
    }).compose(r -> {
      stage.set("HTTP " + r.statusCode() + " received, awaiting the rest of the body");
      if (into == null) {
        return r.body().map(b -> r);
      }
      r.handler(b -> {
        synchronized (into) {
          into.append(b.toString());
        }
      });
      return io.vertx.core.Future.succeededFuture(r);
    }).onComplete(answered));
    return bounded(answered.future(), () -> method + " /mcp/" + slug + (body == null ? "" : " " + describe(body))
        + (session == null ? "" : " in session " + abbreviated(session)) + " (" + stage.get() + ")");
  }

  /** How long a harness request waits for its answer (for a GET stream: its headers) before the test fails. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Awaits {@code answer}, failing the test after {@link #ANSWER_TIMEOUT} with an error naming {@code what}: a lost
   * answer fails fast and says which request it was, instead of hanging until the build's timeout.
   */
  static <T> T bounded(io.vertx.core.Future<T> answer, String what) {
    return bounded(answer, () -> what);
  }

  /** As {@link #bounded(io.vertx.core.Future, String)}, {@code what} said as it is when the time is up. */
  static <T> T bounded(io.vertx.core.Future<T> answer, java.util.function.Supplier<String> what) {
    try {
      return answer.toCompletionStage().toCompletableFuture().get(ANSWER_TIMEOUT.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s to " + what.get(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(what.get() + " failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while awaiting " + what.get(), e);
    }
  }

  /** A request as named in a failure: its method and id, or the whole (short) body. */
  private static String describe(JsonObject body) {
    if (body.getValue("method") instanceof String m) {
      return m + (body.containsKey("id") ? " (id " + body.getValue("id") + ")" : "");
    }
    String text = body.encode();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static String abbreviated(String session) {
    return session.length() > 12 ? session.substring(0, 12) + "..." : session;
  }

  /** A 2025-11-25 session of {@code /mcp/{slug}}, made by an {@code initialize} on a fresh connection. */
  String initializeFresh(String slug) {
    var r = sendFresh(io.vertx.core.http.HttpMethod.POST, slug, null, new JsonObject().put("jsonrpc", "2.0").put("id", 1)
        .put("method", "initialize").put("params", new JsonObject().put("protocolVersion", "2025-11-25")), null);
    if (r.statusCode() != 200) {
      throw new AssertionError("initialize answered HTTP " + r.statusCode());
    }
    return r.getHeader("Mcp-Session-Id");
  }

  UpstreamServer httpServer(String slug, String url, Map<String, String> headers) {
    return bounded(servers.insert(pool, new UpstreamServer(UUID.randomUUID(), slug, slug, null, Transport.STREAMABLE_HTTP,
        url, null, List.of(), new UpstreamSecrets(headers, Map.of()), owner.id(), ServerStatus.ACTIVE, Optional.empty(),
        null, null)), "inserting server " + slug);
  }

  UpstreamServer sseServer(String slug, String url) {
    return bounded(servers.insert(pool, new UpstreamServer(UUID.randomUUID(), slug, slug, null, Transport.SSE, url,
        null, List.of(), UpstreamSecrets.NONE, owner.id(), ServerStatus.ACTIVE, Optional.empty(), null, null)),
        "inserting server " + slug);
  }

  UpstreamServer stdioServer(String slug, List<String> command, Map<String, String> env) {
    return bounded(servers.insert(pool, new UpstreamServer(UUID.randomUUID(), slug, slug, null, Transport.STDIO, null,
        command.get(0), command.subList(1, command.size()), new UpstreamSecrets(Map.of(), env), owner.id(),
        ServerStatus.ACTIVE, Optional.empty(), null, null)), "inserting server " + slug);
  }

  Preset preset(String slug, Visibility visibility) {
    return bounded(presets.insert(pool, new Preset(UUID.randomUUID(), slug, "Preset " + slug, "Tools for " + slug,
        visibility, PresetStatus.ACTIVE, null, owner.id(), null, null, null, List.of())), "inserting preset " + slug);
  }

  void link(Preset preset, UpstreamServer server, List<String> allowed) {
    bounded(presets.upsertLink(pool, preset.id(), server.id(), true, allowed), "linking server " + server.slug() + " to "
        + preset.slug());
  }

  static String slug(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  @Override
  public void close() {
    bounded(vertx.close(), "closing the gateway's Vert.x");
    TestServices.dropSchema(pg.schema());
  }
}
