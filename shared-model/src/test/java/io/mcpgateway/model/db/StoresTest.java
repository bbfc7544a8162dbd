package io.mcpgateway.model.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.access.AccessGrantStore;
import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.audit.AuditEvent;
import io.mcpgateway.model.audit.AuditEventStore;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetServer;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StoresTest {
  private static Vertx vertx;
  private static TestDb db;
  private static Principal owner;
  private static Principal other;
  private final PresetStore presets = new PresetStore();
  private final UpstreamServerStore servers = new UpstreamServerStore(TestDb.randomSecrets());

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = new TestDb(vertx, "stores");
    owner = db.principal("owner", false);
    other = db.principal("other", false);
  }

  @AfterAll
  static void stop() {
    db.close();
    vertx.close().await();
  }

  private static String slug(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void preset_reads_bring_their_server_links_in_link_order() {
    UpstreamServer a = servers.insert(db.pool, TestDb.httpServer(slug("srv-a"), owner.id(), UpstreamSecrets.NONE)).await();
    UpstreamServer b = servers.insert(db.pool, TestDb.httpServer(slug("srv-b"), owner.id(), UpstreamSecrets.NONE)).await();
    Preset p = presets.insert(db.pool, TestDb.preset(slug("links"), Visibility.PUBLIC, owner.id())).await();
    presets.upsertLink(db.pool, p.id(), b.id(), true, List.of("search")).await();
    presets.upsertLink(db.pool, p.id(), a.id(), false, List.of()).await();
    // Updating a link keeps its place in the order.
    presets.upsertLink(db.pool, p.id(), b.id(), true, List.of("search", "fetch")).await();

    Preset read = presets.findBySlug(db.pool, p.slug()).await().orElseThrow();
    assertThat(read.servers()).extracting(PresetServer::serverId).containsExactly(b.id(), a.id());
    assertThat(read.servers().get(0).allowedToolNames()).containsExactly("search", "fetch");
    assertThat(read.servers().get(0).serverSlug()).isEqualTo(b.slug());
    assertThat(read.servers().get(1).enabled()).isFalse();
    assertThat(presets.findById(db.pool, p.id()).await()).contains(read);
    assertThat(presets.presetsUsingServer(db.pool, a.id()).await()).containsExactly(Map.entry(p.id(), p.slug()));
  }

  @Test
  void a_preset_without_servers_reads_with_an_empty_list_and_unknown_slugs_read_as_empty() {
    Preset p = presets.insert(db.pool, TestDb.preset(slug("empty"), Visibility.PRIVATE, owner.id())).await();
    assertThat(presets.findBySlug(db.pool, p.slug()).await().orElseThrow().servers()).isEmpty();
    assertThat(presets.findBySlug(db.pool, "no-such-preset").await()).isEmpty();
  }

  @Test
  void a_taken_slug_is_a_conflict_with_a_clear_message() {
    String s = slug("taken");
    presets.insert(db.pool, TestDb.preset(s, Visibility.PUBLIC, owner.id())).await();
    GatewayException e = catchThrowableOfType(GatewayException.class,
        () -> presets.insert(db.pool, TestDb.preset(s, Visibility.PUBLIC, other.id())).await());
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).contains("slug already exists");
  }

  @Test
  void listing_pages_through_own_and_granted_presets_only() {
    Principal lister = db.principal("lister", false);
    List<UUID> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(0, presets.insert(db.pool, TestDb.preset(slug("own" + i), Visibility.PRIVATE, lister.id())).await().id());
    }
    Preset shared = presets.insert(db.pool, TestDb.preset(slug("shared"), Visibility.INVITE_ONLY, other.id())).await();
    presets.insert(db.pool, TestDb.preset(slug("not-mine"), Visibility.PRIVATE, other.id())).await();
    new AccessGrantStore().grant(db.pool, shared.id(), lister.id(), other.id()).await();
    expected.add(0, shared.id());

    List<UUID> seen = new ArrayList<>();
    Optional<io.mcpgateway.model.Cursor> cursor = Optional.empty();
    int pages = 0;
    do {
      Page<Preset> page = presets.listAccessible(db.pool, lister.id(), false, 2, cursor).await();
      page.items().forEach(p -> seen.add(p.id()));
      cursor = page.nextCursor().map(io.mcpgateway.model.Cursor::decode);
      pages++;
    } while (cursor.isPresent());
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void server_secrets_are_sealed_in_the_table_and_open_on_read() {
    var secrets = new UpstreamSecrets(Map.of("Authorization", "Bearer upstream-secret-123"), Map.of());
    UpstreamServer s = servers.insert(db.pool, TestDb.httpServer(slug("sealed"), owner.id(), secrets)).await();
    Row raw = db.pool.preparedQuery("SELECT secrets FROM upstream_servers WHERE id = $1").execute(Tuple.of(s.id()))
        .await().iterator().next();
    assertThat(new String(raw.getBuffer("secrets").getBytes(), StandardCharsets.ISO_8859_1))
        .doesNotContain("upstream-secret-123").doesNotContain("Authorization");
    assertThat(servers.findById(db.pool, s.id()).await().orElseThrow().secrets().headers())
        .containsEntry("Authorization", "Bearer upstream-secret-123");
    assertThat(s.toJson().getJsonObject("headers").getString("Authorization")).isEqualTo("Bear***");
  }

  @Test
  void a_server_linked_to_a_preset_cannot_be_deleted() {
    UpstreamServer s = servers.insert(db.pool, TestDb.httpServer(slug("linked"), owner.id(), UpstreamSecrets.NONE)).await();
    Preset p = presets.insert(db.pool, TestDb.preset(slug("user"), Visibility.PUBLIC, owner.id())).await();
    presets.upsertLink(db.pool, p.id(), s.id(), true, List.of()).await();
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> servers.delete(db.pool, s.id()).await());
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).contains("still linked");
    assertThat(presets.deleteLink(db.pool, p.id(), s.id()).await()).isTrue();
    assertThat(servers.delete(db.pool, s.id()).await()).isTrue();
  }

  @Test
  void audit_events_are_append_only_and_listed_newest_first_in_pages() {
    var audit = new AuditEventStore();
    UUID aggregate = UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      audit.append(db.pool, AuditEvent.of("preset", aggregate, "preset.updated", owner.id(), new JsonObject().put("n", i))).await();
    }
    Page<AuditEvent> first = audit.list(db.pool, "preset", aggregate, 2, Optional.empty()).await();
    assertThat(first.items()).extracting(e -> e.data().getInteger("n")).containsExactly(2, 1);
    Page<AuditEvent> second = audit.list(db.pool, "preset", aggregate, 2, first.nextCursor()).await();
    assertThat(second.items()).extracting(e -> e.data().getInteger("n")).containsExactly(0);
    assertThat(second.nextCursor()).isEmpty();

    Throwable update = catchThrowableOfType(Throwable.class, () ->
        db.pool.query("UPDATE audit_events SET event_type = 'x'").execute().await());
    assertThat(update).hasMessageContaining("append-only");
    Throwable delete = catchThrowableOfType(Throwable.class, () ->
        db.pool.query("DELETE FROM audit_events").execute().await());
    assertThat(delete).hasMessageContaining("append-only");
  }

  @Test
  void an_audit_event_written_in_a_failed_transaction_is_not_kept() {
    var audit = new AuditEventStore();
    Preset p = presets.insert(db.pool, TestDb.preset(slug("tx"), Visibility.PUBLIC, owner.id())).await();
    Preset clash = TestDb.preset(p.slug(), Visibility.PUBLIC, owner.id());
    catchThrowableOfType(GatewayException.class, () -> db.pool.withTransaction(sql ->
        audit.append(sql, AuditEvent.of("preset", clash.id(), "preset.created", owner.id(), new JsonObject()))
            .compose(e -> presets.insert(sql, clash))).await());
    assertThat(audit.list(db.pool, "preset", clash.id(), 10, Optional.empty()).await().items()).isEmpty();
  }

  @Test
  void metrics_table_is_partitioned_by_month_with_partitions_ahead() {
    long partitions = db.pool.query("""
        SELECT count(*) AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
         JOIN pg_namespace ns ON ns.oid = c.relnamespace
         WHERE c.relname = 'tool_call_metrics' AND ns.nspname = current_schema()""")
        .execute().await().iterator().next().getLong("n");
    assertThat(partitions).isEqualTo(3);
    Row kind = db.pool.query("SELECT c.relkind::text AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE c.relname = 'tool_call_metrics' AND n.nspname = current_schema()").execute().await().iterator().next();
    assertThat(kind.getString("k")).isEqualTo("p");
    // Idempotent: asking again creates nothing new.
    assertThat(db.pool.query("SELECT ensure_tool_call_metrics_partitions(now(), 2) AS n").execute().await()
        .iterator().next().getInteger("n")).isZero();
  }
}
