package io.mcpgateway.gateway;

import java.util.List;

/** The MCP protocol versions the gateway speaks (2025 era), newest first: downstream to clients and upstream to servers. */
public final class ProtocolVersions {
  public static final List<String> SUPPORTED = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  public static final String LATEST = SUPPORTED.get(0);
  /** Assumed when a request carries no MCP-Protocol-Version header (2025-06-18 transports §Protocol Version Header). */
  public static final String DEFAULT_WITHOUT_HEADER = "2025-03-26";

  private ProtocolVersions() {}

  public static String negotiate(String requested) {
    return requested != null && SUPPORTED.contains(requested) ? requested : LATEST;
  }

  /** {@code title} on Implementation and items arrived in 2025-06-18. */
  public static boolean hasTitles(String version) {
    return !"2025-03-26".equals(version) && !"2024-11-05".equals(version);
  }

  /** JSON-RPC batches exist only in 2025-03-26 (removed in 2025-06-18). */
  public static boolean allowsBatches(String version) {
    return "2025-03-26".equals(version);
  }
}
