package io.mcpgateway.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a node runs; all three by default, one or two per node when scaled out. */
public enum Role {
  GATEWAY, MANAGEMENT, METRICS;

  static String accepted() {
    return Arrays.stream(values()).map(r -> r.name().toLowerCase()).collect(Collectors.joining(", "));
  }
}
