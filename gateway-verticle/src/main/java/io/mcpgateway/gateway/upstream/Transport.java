package io.mcpgateway.gateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * Moves JSON-RPC messages between the gateway and one upstream server. Inbound messages go to the
 * {@link Inbound} sink, tagged with the id of the request whose stream carried them when the transport
 * knows it (Streamable HTTP), or null (stdio, legacy SSE, the standalone GET stream).
 */
abstract class Transport {
  interface Inbound {
    void message(JsonObject message, Object relatedRequestId);

    /** The stream of a request ended; a request still unanswered will not be answered on it. */
    default void streamEnded(Object relatedRequestId) {}

    /**
     * The upstream sent something the gateway will not take (a message over the size bound): fail the request
     * it answered, or, when the transport cannot tell which ({@code relatedRequestId} null), every pending one.
     */
    default void failed(Object relatedRequestId, Throwable cause) {}
  }

  protected Inbound inbound;
  /** Where HTTP transports may connect (SSRF at connect time); stdio ignores it. */
  protected ConnectGuard guard = ConnectGuard.trusted();
  protected Handler<Throwable> closedHandler = e -> { };

  final Transport guardedBy(ConnectGuard guard) {
    this.guard = guard;
    return this;
  }

  final void bind(Inbound inbound, Handler<Throwable> closedHandler) {
    this.inbound = inbound;
    this.closedHandler = closedHandler;
  }

  /** Connects (stdio: starts the process; legacy SSE: opens the stream and waits for its endpoint). */
  abstract Future<Void> open();

  /** Sends one message; replies arrive through the sink. */
  abstract Future<Void> send(JsonObject message);

  /**
   * Sends one message that belongs to the server's upstream session {@code session} (null: this connection's
   * own). Only Streamable HTTP has session ids to name; the others send on their one channel.
   */
  Future<Void> send(JsonObject message, String session) {
    return send(message);
  }

  /** This connection's upstream session id ({@code Mcp-Session-Id}), or null (stdio, legacy SSE, modern). */
  String sessionId() {
    return null;
  }

  /**
   * Whether this transport can carry modern (2026-07-28) requests, so the connection probes with server/discover
   * (Streamable HTTP and stdio; the legacy HTTP+SSE transport is 2024-11-05 only).
   */
  boolean carriesModern() {
    return false;
  }

  /**
   * True when a modern request is cancelled by closing its own stream (2026-07-28 Streamable HTTP
   * §Cancellation); false when the channel is shared and cancellation is {@code notifications/cancelled}
   * (stdio §Cancellation, and every legacy transport).
   */
  boolean cancelsByClosingStream() {
    return false;
  }

  /** From now on every request is a modern one at {@code protocolVersion}: per-request headers, no session. */
  void modern(String protocolVersion) {}

  /** The modern probe failed: back to the legacy shape before the initialize handshake. */
  void legacy() {}

  /** The handshake is done: remember the negotiated version, open server-to-client streams if any. */
  void initialized(String protocolVersion) {}

  /**
   * True when inbound messages carry the request they relate to (Streamable HTTP: the POST's SSE stream);
   * over stdio and legacy SSE every message arrives unrelated.
   */
  boolean relatesMessages() {
    return false;
  }

  /** Stops waiting for the answer to a request (timed out or cancelled): release what carries it. */
  void abandon(Object requestId) {}

  abstract Future<Void> close();

  /** True when the server can send the gateway notifications outside a request (list_changed). */
  boolean canNotify() {
    return true;
  }

  /** For logs: what this transport talks to, without credentials. */
  abstract String describe();

  /**
   * A URL fit for logs and error messages: scheme, host, port and path only. Operators put credentials in
   * user-info or query strings ({@code ?api_key=}); those must reach neither logs nor downstream callers.
   */
  static String redacted(String url) {
    try {
      java.net.URI u = java.net.URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
          + (u.getRawPath() == null ? "" : u.getRawPath());
    } catch (RuntimeException e) {
      return "(unparseable URL)";
    }
  }
}
