package io.mcpgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.upstream.UpstreamCall;
import io.mcpgateway.gateway.upstream.Upstreams;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.db.PgSettings;
import io.mcpgateway.model.db.SchemaMigrator;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog caches against real stored servers; the upstream side is a stub that only lists tools. */
class CatalogServiceTest {
  private static Vertx vertx;
  private static PgSettings pg;
  private static Pool pool;
  private static UpstreamServer server;
  private static final AtomicInteger listings = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    String schema = TestServices.freshSchema("catalog-service");
    pg = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(pg);
    pool = Database.pool(vertx, pg);
    Principal owner = new PrincipalStore().upsert(pool, "https://issuer.test", "owner", null, "Owner", false).await();
    UpstreamServerStore store = new UpstreamServerStore(SecretBox.fromBase64(SecretBox.generateKey()));
    server = store.insert(pool, new UpstreamServer(UUID.randomUUID(), "alpha", "alpha", null, Transport.STREAMABLE_HTTP,
        "http://127.0.0.1:9/mcp", null, List.of(), UpstreamSecrets.NONE, owner.id(), ServerStatus.ACTIVE,
        Optional.empty(), null, null)).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestServices.dropSchema(pg.schema());
  }

  private static CatalogService service() {
    return new CatalogService(pool, new UpstreamServerStore(SecretBox.fromBase64(SecretBox.generateKey())),
        new ListingOnly(), Duration.ofSeconds(2));
  }

  private static Preset preset(UUID id, List<String> allowed) {
    return new Preset(id, "p-" + id.toString().substring(0, 6), "P", null, Visibility.PUBLIC, PresetStatus.ACTIVE,
        null, UUID.randomUUID(), null, null, null,
        List.of(new PresetServer(server.id(), server.slug(), true, allowed, Instant.EPOCH)));
  }

  private static List<String> names(ToolCatalog catalog) {
    return catalog.tools().stream().map(ExposedTool::name).toList();
  }

  @Test
  void a_request_that_read_the_preset_before_a_change_cannot_pin_the_old_catalog() {
    CatalogService catalogs = service();
    UUID id = UUID.randomUUID();
    Preset before = preset(id, List.of("read"));
    Preset after = preset(id, List.of("write"));
    assertThat(names(catalogs.catalog(before).await())).containsExactly("read");

    catalogs.presetChanged(id);
    // A request in flight during the change still holds the old preset and builds its catalog now.
    catalogs.catalog(before).await();

    assertThat(names(catalogs.catalog(after).await())).containsExactly("write");
  }

  @Test
  void concurrent_misses_for_one_preset_list_the_upstream_once_and_a_change_reloads() {
    CatalogService catalogs = service();
    Preset p = preset(UUID.randomUUID(), List.of());
    int before = listings.get();
    List<Future<ToolCatalog>> all = java.util.stream.IntStream.range(0, 20).mapToObj(i -> catalogs.catalog(p)).toList();
    Future.all(all).await();
    assertThat(listings.get() - before).isEqualTo(1);
    assertThat(names(all.get(0).result())).containsExactly("read", "write");

    catalogs.catalog(p).await();
    assertThat(listings.get() - before).isEqualTo(1);
    // An announced change is fetched at once; the same list again changes nothing (no rebuild, no list_changed).
    java.util.List<UUID> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
    catalogs.onServerOfferChanged((id, tools) -> changed.add(id));
    catalogs.toolsChanged(server.id());
    io.mcpgateway.testing.Eventually.await("the announced list to be fetched", java.time.Duration.ofSeconds(5),
        () -> listings.get() - before == 2);
    assertThat(names(catalogs.catalog(p).await())).containsExactly("read", "write");
    assertThat(changed).isEmpty();
  }

  /** Lists two tools after a short delay (so concurrent requests overlap); calls are not part of these tests. */
  private static final class ListingOnly implements Upstreams {
    @Override
    public Future<List<JsonObject>> listTools(UpstreamServer s) {
      listings.incrementAndGet();
      return vertx.timer(50).map(t -> List.of(
          new JsonObject().put("name", "read").put("inputSchema", new JsonObject().put("type", "object")),
          new JsonObject().put("name", "write").put("inputSchema", new JsonObject().put("type", "object"))));
    }

    @Override
    public UpstreamCall callTool(UpstreamServer s, String toolName, JsonObject arguments, JsonObject meta,
        Handler<JsonObject> onNotification) {
      throw new UnsupportedOperationException();
    }

    @Override
    public UpstreamCall call(UpstreamServer s, String method, JsonObject params,
        io.mcpgateway.gateway.upstream.DownstreamClient client, io.mcpgateway.gateway.upstream.CallRelay relay) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void onToolListChanged(Consumer<UUID> listener) {}

    @Override
    public Future<Void> evict(UUID serverId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
