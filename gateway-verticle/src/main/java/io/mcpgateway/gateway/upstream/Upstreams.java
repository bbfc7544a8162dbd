package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.server.UpstreamServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Node-wide access to upstream MCP servers: one pooled connection (upstream session) per server, shared by
 * every caller that declared no client capabilities. A caller that declared some the gateway relays
 * ({@link DownstreamClient#RELAYED_CAPABILITIES}) gets upstream sessions of its own, declaring exactly those,
 * so that what the upstream asks (sampling, elicitation, roots) reaches that caller and no one else.
 */
public interface Upstreams {
  /** The server's tools as the upstream lists them (cached until it sends {@code tools/list_changed}). */
  Future<List<JsonObject>> listTools(UpstreamServer server);

  /**
   * Calls a tool. {@code meta} is the caller's {@code params._meta} (may carry a progressToken) or null;
   * {@code onNotification} receives the progress and log notifications the upstream sends for this call,
   * with the caller's progress token restored.
   */
  UpstreamCall callTool(UpstreamServer server, String toolName, JsonObject arguments, JsonObject meta,
      Handler<JsonObject> onNotification);

  /**
   * Calls a tool for a downstream session: with relayed client capabilities it runs on that session's own
   * upstream session, and the upstream's requests and notifications about it go to {@code relay} (or to
   * {@code client} when no call carries them). {@code client} null = no client features, shared session.
   */
  default UpstreamCall callTool(UpstreamServer server, String toolName, JsonObject arguments, JsonObject meta,
      DownstreamClient client, CallRelay relay) {
    JsonObject params = new JsonObject().put("name", toolName).put("arguments", arguments == null ? new JsonObject() : arguments);
    if (meta != null && !meta.isEmpty()) {
      params.put("_meta", meta);
    }
    return call(server, "tools/call", params, client, relay);
  }

  /**
   * Any request to the server on behalf of a downstream session, routed like {@link #callTool} and bounded by the
   * server's tool-call timeout; the result is the upstream's untouched.
   */
  UpstreamCall call(UpstreamServer server, String method, JsonObject params, DownstreamClient client, CallRelay relay);

  /** How long a call to the server may take (its own tool-call timeout, else the gateway's). */
  default java.time.Duration callTimeout(UpstreamServer server) {
    return server.toolCallTimeout().orElse(java.time.Duration.ofSeconds(30));
  }

  /**
   * As {@link #call(UpstreamServer, String, JsonObject, DownstreamClient, CallRelay)}, sent in the server's upstream
   * session {@code upstreamSession} (an {@code Mcp-Session-Id} from {@link UpstreamCall#upstreamSession()}, possibly
   * of another gateway instance or node; null: the caller's usual one). A task lives in the upstream session that
   * created it (MCP 2025-11-25 tasks), so its {@code tasks/*} requests go there. A session that has ended answers
   * -32602.
   */
  default UpstreamCall call(UpstreamServer server, String method, JsonObject params, DownstreamClient client,
      CallRelay relay, String upstreamSession) {
    return call(server, method, params, client, relay);
  }

  /** The downstream session ended: close the upstream sessions it owned. */
  default void release(String sessionId) {}

  /** The downstream client sent {@code notifications/roots/list_changed}: tell its own upstream sessions. */
  default void rootsChanged(String sessionId) {}

  /** What the server declared in {@code initialize} (capabilities, instructions), from its shared session. */
  default Future<ServerOffer> offer(UpstreamServer server) {
    return Future.succeededFuture(new ServerOffer(new JsonObject().put("tools", new JsonObject()), null, new JsonObject()));
  }

  /** One of the server's lists, all pages (cached until the server announces that it changed). */
  default Future<List<JsonObject>> list(UpstreamServer server, Listing listing) {
    return listing == Listing.TOOLS ? listTools(server) : Future.succeededFuture(List.of());
  }

  /**
   * Called with a server's id and the notification for {@code notifications/resources/updated},
   * {@code notifications/resources/list_changed} and {@code notifications/prompts/list_changed} from its shared
   * session (where the gateway's own resource subscriptions live).
   */
  default void onNotification(java.util.function.BiConsumer<UUID, JsonObject> listener) {}

  /**
   * When the server's shared session cannot tell the gateway its lists changed (Streamable HTTP without a GET
   * stream), forgets the cached lists so the next listing asks the server again; true when it did.
   */
  default boolean refreshIfSilent(UpstreamServer server) {
    return false;
  }

  /**
   * Holds a subscription to updates of one of the server's resources (its original URI) for one more holder
   * (server/resources §Subscriptions): the first holder subscribes upstream — {@code resources/subscribe} on a
   * 2025 server's shared session, the URI on a 2026 server's {@code subscriptions/listen} stream — and later ones
   * share it. Updates arrive through {@link #onNotification}. A failed subscribe holds nothing.
   */
  default Future<Void> subscribe(UpstreamServer server, String uri) {
    return Future.failedFuture(new io.mcpgateway.model.GatewayException(io.mcpgateway.model.ErrorCode.UPSTREAM_UNAVAILABLE,
        "resource subscriptions are not supported here"));
  }

  /** One holder of a {@link #subscribe} fewer; the last one gives the subscription up upstream. */
  default void unsubscribe(UUID serverId, String uri) {}

  /** Called with a server's id after it announced {@code notifications/tools/list_changed}. */
  void onToolListChanged(Consumer<UUID> listener);

  /** The server is gone or off: its connection drains its calls and closes; its tools and breaker are forgotten. */
  Future<Void> evict(UUID serverId);

  /**
   * The server's record changed: forget its tools; replace its connection only when what the connection uses
   * changed (the old one drains its calls first).
   */
  default Future<Void> changed(UpstreamServer server) {
    return evict(server.id());
  }

  Future<Void> close();
}
