package io.mcpgateway.gateway;

import java.util.List;
import java.util.stream.Stream;

/**
 * The MCP protocol versions the gateway speaks, newest first, downstream to clients and upstream to servers:
 * the modern era (2026-07-28: no handshake, version and capabilities in every request's {@code _meta}) and the
 * legacy era (2025-11-25 and earlier: an {@code initialize} handshake and a session).
 */
public final class ProtocolVersions {
  /** Modern (per-request metadata) versions, newest first (2026-07-28 basic/versioning §Terminology). */
  public static final List<String> MODERN = List.of("2026-07-28");
  /** Legacy (initialize handshake) versions, newest first. */
  public static final List<String> LEGACY = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  /** Every version, newest first: the {@code supported} list of the unsupported-version error. */
  public static final List<String> ALL = Stream.concat(MODERN.stream(), LEGACY.stream()).toList();
  public static final String LATEST = LEGACY.get(0);
  public static final String LATEST_MODERN = MODERN.get(0);
  /** Assumed when a request carries no MCP-Protocol-Version header (2025-06-18 transports §Protocol Version Header). */
  public static final String DEFAULT_WITHOUT_HEADER = "2025-03-26";

  private ProtocolVersions() {}

  public static String negotiate(String requested) {
    return requested != null && LEGACY.contains(requested) ? requested : LATEST;
  }

  public static boolean isModern(String version) {
    return version != null && MODERN.contains(version);
  }

  /**
   * Tasks (basic/utilities/tasks) exist in 2025-11-25 only: earlier versions have none, and 2026-07-28 moved them
   * into the {@code io.modelcontextprotocol/tasks} extension, which the gateway does not offer.
   */
  public static boolean hasTasks(String version) {
    return "2025-11-25".equals(version);
  }

  /** {@code title} on Implementation and items arrived in 2025-06-18. */
  public static boolean hasTitles(String version) {
    return !"2025-03-26".equals(version) && !"2024-11-05".equals(version);
  }

  /**
   * 2025-11-25 transports §Sending Messages, 6: an SSE stream starts with a priming event (an id, empty data).
   * Earlier versions did not have it, and their clients may try to parse the empty data as a message.
   */
  public static boolean primesStreams(String version) {
    return "2025-11-25".equals(version);
  }

  /** JSON-RPC batches exist only in 2025-03-26 (removed in 2025-06-18). */
  public static boolean allowsBatches(String version) {
    return "2025-03-26".equals(version);
  }
}
