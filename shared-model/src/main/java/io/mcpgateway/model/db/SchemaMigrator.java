package io.mcpgateway.model.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway migrations in {@code db/migration} over JDBC. Blocking: call it from a worker
 * ({@code vertx.executeBlocking}) or before the event loops start, never from an event loop.
 */
public final class SchemaMigrator {
  private SchemaMigrator() {}

  public static MigrateResult migrate(PgSettings settings) {
    return Flyway.configure()
        .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
        .schemas(settings.schema())
        .defaultSchema(settings.schema())
        .createSchemas(true)
        .locations("classpath:db/migration")
        .connectRetries(3)
        .load()
        .migrate();
  }
}
