package io.mcpgateway.gateway.endpoint;

import java.util.List;

/** The protocol versions the endpoint speaks (2025 era), newest first. */
final class ProtocolVersions {
  static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  static final String LATEST = SUPPORTED.get(0);
  /** Assumed when a request carries no MCP-Protocol-Version header (2025-06-18 transports §Protocol Version Header). */
  static final String DEFAULT_WITHOUT_HEADER = "2025-03-26";

  private ProtocolVersions() {}

  static String negotiate(String requested) {
    return requested != null && SUPPORTED.contains(requested) ? requested : LATEST;
  }

  /** JSON-RPC batches exist only in 2025-03-26 (removed in 2025-06-18). */
  static boolean allowsBatches(String version) {
    return "2025-03-26".equals(version);
  }
}
