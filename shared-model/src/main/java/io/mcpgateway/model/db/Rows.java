package io.mcpgateway.model.db;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Small row-reading conversions shared by the stores. */
public final class Rows {
  private Rows() {}

  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  public static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  public static List<String> strings(Row row, String column) {
    String[] values = row.getArrayOfStrings(column);
    return values == null ? List.of() : List.of(values);
  }
}
