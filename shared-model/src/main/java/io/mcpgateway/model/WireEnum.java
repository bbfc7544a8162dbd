package io.mcpgateway.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Enums written lower-case on the wire and in the database ({@code invite_only}, {@code streamable_http}). */
public interface WireEnum {
  String name();

  default String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E> & WireEnum> Optional<E> find(Class<E> type, String value) {
    if (value == null) {
      return Optional.empty();
    }
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.wire().equals(value)).findFirst();
  }

  /** Parses a value from storage, where it is known to be valid. */
  static <E extends Enum<E> & WireEnum> E of(Class<E> type, String value) {
    return find(type, value).orElseThrow(() -> new IllegalStateException("unknown " + type.getSimpleName() + " " + value));
  }

  /** The accepted values, for error messages: {@code "public", "private" or "invite_only"}. */
  static <E extends Enum<E> & WireEnum> String accepted(Class<E> type) {
    var names = Arrays.stream(type.getEnumConstants()).map(e -> "\"" + e.wire() + "\"").toList();
    if (names.size() == 1) {
      return names.get(0);
    }
    return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
        + " or " + names.get(names.size() - 1);
  }
}
