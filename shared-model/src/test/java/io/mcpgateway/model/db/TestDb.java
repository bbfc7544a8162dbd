package io.mcpgateway.model.db;

import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A migrated, private schema in the local PostgreSQL, with builders for test data. */
public final class TestDb implements AutoCloseable {
  public final PgSettings settings;
  public final Pool pool;
  private final Vertx vertx;

  public TestDb(Vertx vertx, String purpose) {
    this.vertx = vertx;
    String schema = TestServices.freshSchema(purpose);
    this.settings = PgSettings.fromUri(TestServices.pgUrl(), schema, 4, Duration.ofSeconds(5));
    SchemaMigrator.migrate(settings);
    this.pool = Database.pool(vertx, settings);
  }

  public Principal principal(String name, boolean admin) {
    return new PrincipalStore().upsert(pool, "https://issuer.test", name + "-" + UUID.randomUUID(), name + "@example.com",
        name, admin).await();
  }

  public static Preset preset(String slug, Visibility visibility, UUID owner) {
    return new Preset(UUID.randomUUID(), slug, "Preset " + slug, null, visibility, PresetStatus.ACTIVE, null, owner,
        null, null, null, List.of());
  }

  public static UpstreamServer httpServer(String slug, UUID owner, UpstreamSecrets secrets) {
    return new UpstreamServer(UUID.randomUUID(), slug, "Server " + slug, null, Transport.STREAMABLE_HTTP,
        "https://" + slug + ".example.com/mcp", null, List.of(), secrets, owner, ServerStatus.ACTIVE, Optional.empty(),
        null, null);
  }

  public static SecretBox randomSecrets() {
    return SecretBox.fromBase64(SecretBox.generateKey());
  }

  @Override
  public void close() {
    pool.close().await();
    TestServices.dropSchema(settings.schema());
  }
}
