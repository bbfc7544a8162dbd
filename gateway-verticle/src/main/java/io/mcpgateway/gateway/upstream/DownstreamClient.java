package io.mcpgateway.gateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A downstream client session as the upstream side sees it. A session that declared client capabilities the
 * gateway relays gets upstream sessions of its own (see {@link Upstreams}); their requests and notifications
 * that no call in flight can carry come here (the session's GET stream).
 */
public interface DownstreamClient {
  /** The client capabilities the gateway relays; everything else a client declares stays with the gateway. */
  List<String> RELAYED_CAPABILITIES = List.of("roots", "sampling", "elicitation");

  /** Identifies the session (the pool keys its isolated upstream sessions by it). */
  String sessionId();

  /** The capabilities the client declared in {@code initialize}. */
  JsonObject capabilities();

  /** Sends a server request not tied to a call in flight; completes with the client's response message. */
  Future<JsonObject> request(ServerRequest request);

  /** A server notification not tied to a call in flight (a log message, {@code notifications/elicitation/complete}). */
  void notification(JsonObject notification);

  /**
   * True for a caller whose every call needs an upstream session of its own while it runs (a 2026-07-28 caller,
   * which has no session: two of its calls in flight at once must not share an upstream session, or over stdio
   * and legacy SSE an upstream's request could not be told apart). The pool then keys sessions by
   * {@link #sessionId()} plus a number and reuses one only once it has no call in flight.
   */
  default boolean exclusive() {
    return false;
  }

  /**
   * {@link #relayedCapabilities}, reduced to the capability names and elicitation modes when longer than
   * {@code maxBytes} as JSON: what decides routing and modes is kept, anything bulky below it dropped (a caller's
   * declaration is kept per session or per upstream session, so it must not hold memory without bound).
   */
  static JsonObject boundedRelayedCapabilities(JsonObject declared, int maxBytes) {
    JsonObject relayed = relayedCapabilities(declared);
    if (relayed.isEmpty() || relayed.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= maxBytes) {
      return relayed;
    }
    JsonObject reduced = new JsonObject();
    relayed.forEach(e -> {
      JsonObject value = new JsonObject();
      if ("elicitation".equals(e.getKey()) && e.getValue() instanceof JsonObject modes) {
        modes.fieldNames().stream().filter(m -> m.equals("form") || m.equals("url")).forEach(m -> value.put(m, new JsonObject()));
      }
      reduced.put(e.getKey(), value);
    });
    return reduced;
  }

  /** What the gateway declares upstream for this client: exactly the relayed capabilities it declared. */
  static JsonObject relayedCapabilities(JsonObject declared) {
    JsonObject out = new JsonObject();
    if (declared != null) {
      for (String name : RELAYED_CAPABILITIES) {
        if (declared.getValue(name) instanceof JsonObject value) {
          out.put(name, value.copy());
        }
      }
    }
    return out;
  }
}
