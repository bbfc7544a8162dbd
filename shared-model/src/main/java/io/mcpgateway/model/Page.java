package io.mcpgateway.model;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of a list and the opaque cursor of the next page, if any. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = List.copyOf(items);
  }

  /**
   * A page from a query that fetched {@code limit + 1} rows: the extra row only tells that a next page exists,
   * whose cursor is made from the last item kept.
   */
  public static <T> Page<T> fromOverfetch(List<T> fetched, int limit, Function<T, String> cursorOf) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, Optional.empty());
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, Optional.of(cursorOf.apply(items.get(limit - 1))));
  }
}
