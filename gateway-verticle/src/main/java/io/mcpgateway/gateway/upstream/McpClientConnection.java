package io.mcpgateway.gateway.upstream;

import io.mcpgateway.gateway.ProtocolVersions;
import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as an MCP client of one upstream server, in either era. Over Streamable HTTP and stdio it first probes
 * with {@code server/discover} (MCP 2026-07-28 basic/versioning §Backward Compatibility): a modern server gets
 * no handshake and no session, and every request carries the per-request {@code _meta}; anything that is not
 * a modern answer falls back to the 2025 {@code initialize} handshake. Requests are correlated by id over
 * whatever {@link Transport} reaches the server. Progress tokens are the
 * gateway's own (one connection serves many callers) and are mapped back to each caller's token.
 * <p>A shared connection ({@code owner == null}) declares no client capabilities and refuses every
 * server-to-client request but {@code ping}. A connection owned by one downstream session declares exactly
 * the relayed capabilities that client declared, and relays the upstream's requests to it: on the stream of
 * the call that caused them when the transport says so (Streamable HTTP), else on a call of that client in
 * flight here, else through the session itself. The client's answer goes back with the upstream's own id.
 * Runs on one Vert.x context; not thread-safe by design.
 */
final class McpClientConnection {
  private static final Logger LOG = LoggerFactory.getLogger(McpClientConnection.class);

  private final class Pending {
    final long id;
    final String method;
    final Promise<JsonObject> promise = Promise.promise();
    final CallRelay relay;
    final Object callerProgressToken;
    final String progressToken;
    /** The upstream session the request belongs to when not this connection's own (see {@link #call}), else null. */
    final String session;
    long timer = -1;

    Pending(long id, String method, CallRelay relay, Object callerProgressToken, String session) {
      this.id = id;
      this.method = method;
      this.relay = relay;
      this.callerProgressToken = callerProgressToken;
      this.progressToken = callerProgressToken == null ? null : "mgw-" + id;
      this.session = session;
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Transport transport;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<String, Pending> byProgressToken = new HashMap<>();
  /** Requests from the upstream being answered downstream, by the upstream's id (as a string). */
  private final Map<String, ServerRequest> fromServer = new HashMap<>();
  private DownstreamClient owner;
  private final JsonObject clientCapabilities;
  private long nextId = 1;
  private boolean closed;
  private Runnable onToolsChanged = () -> { };
  private Handler<Throwable> onClosed = e -> { };
  private JsonObject serverInfo = new JsonObject();
  private JsonObject serverCapabilities = new JsonObject();
  private String instructions;
  private Handler<JsonObject> onServerNotification = n -> { };
  private String protocolVersion;
  private Promise<Void> drained;
  private Era era;
  private long listenId = -1;
  /** A listen stream being replaced: abandoned once its successor is acknowledged. */
  private long replacedListenId = -1;
  private boolean relistenScheduled;
  /** Listen requests in a row that could not reach the server: the next try waits longer. */
  private int listenFailures;
  /** Resource URIs subscribed on this connection (a modern server: carried by the listen stream). */
  private final java.util.Set<String> resourceUris = new java.util.LinkedHashSet<>();
  /** The URIs each open listen request asked for, by its id (at most the current and the replaced one). */
  private final Map<Long, java.util.Set<String>> listenedUris = new HashMap<>();
  /** Modern subscriptions waiting for the listen stream that carries them to be acknowledged. */
  private final Map<String, List<Promise<Void>>> awaitingAck = new HashMap<>();

  /** Which protocol era a server speaks; remembered per server so a reconnect skips the probe. */
  enum Era { MODERN, LEGACY }

  /** How long URI changes are gathered before the upstream listen stream is replaced. */
  static final long RELISTEN_DELAY_MS = 20;

  /** Bounds the upstream's unanswered requests to its client; more are refused at once. */
  static final int MAX_SERVER_REQUESTS = 32;

  McpClientConnection(Vertx vertx, String name, Transport transport) {
    this(vertx, name, transport, null);
  }

  /** {@code owner}: the downstream session this upstream session serves alone, or null for a shared one. */
  McpClientConnection(Vertx vertx, String name, Transport transport, DownstreamClient owner) {
    this.vertx = vertx;
    this.name = name;
    this.transport = transport;
    this.owner = owner;
    this.clientCapabilities = owner == null ? new JsonObject() : DownstreamClient.relayedCapabilities(owner.capabilities());
    transport.bind(new Transport.Inbound() {
      @Override
      public void message(JsonObject message, Object related) {
        receive(message, related);
      }

      @Override
      public void streamEnded(Object related) {
        if (related instanceof Number n && listenedUris.containsKey(n.longValue())) {
          listenEnded(n.longValue());
          return;
        }
        Pending p = related instanceof Number n ? pending.get(n.longValue()) : null;
        if (p != null) {
          fail(p, unavailable("closed the response stream without answering " + p.method));
        }
      }

      @Override
      public void failed(Object related, Throwable cause) {
        if (related instanceof Number n) {
          Pending p = pending.get(n.longValue());
          if (p != null) {
            fail(p, cause);
          }
        } else if (related == null) {
          new ArrayList<>(pending.values()).forEach(p -> fail(p, cause));
        }
      }
    }, this::transportClosed);
  }

  void onToolsChanged(Runnable listener) {
    this.onToolsChanged = listener;
  }

  /** Server notifications about its offer: resources/updated, resources and prompts list_changed. */
  void onServerNotification(Handler<JsonObject> listener) {
    this.onServerNotification = listener;
  }

  /** See {@link Transport#canNotify()}. */
  boolean canNotify() {
    return !closed && transport.canNotify();
  }

  ServerOffer offer() {
    return new ServerOffer(serverCapabilities.copy(), instructions, serverInfo.copy());
  }

  void onClosed(Handler<Throwable> listener) {
    this.onClosed = listener;
  }

  boolean isOpen() {
    return !closed;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  JsonObject serverInfo() {
    return serverInfo;
  }

  Era era() {
    return era;
  }

  Future<McpClientConnection> start(Duration timeout) {
    return start(timeout, null);
  }

  /**
   * Opens the transport and learns the server's era: {@code known} (remembered from an earlier connection)
   * is used as is; otherwise a transport that can carry both eras probes with {@code server/discover} first.
   */
  Future<McpClientConnection> start(Duration timeout, Era known) {
    Future<Void> opened = transport.open().recover(e -> Future.failedFuture(asGatewayFailure(e)));
    if (known == Era.LEGACY || !transport.carriesModern()) {
      return opened.compose(v -> initialize(timeout));
    }
    return opened.compose(v -> discover(timeout)).recover(e -> {
      if (closed || known == Era.MODERN || modernAnswer(e)) {
        close();
        return Future.failedFuture(e);
      }
      LOG.debug("upstream {} is not a modern server ({}); falling back to initialize", name, e.getMessage());
      transport.legacy();
      return initialize(timeout);
    });
  }

  /** MCP 2026-07-28 server/discover: a modern server lists the versions it speaks; no session follows. */
  private Future<McpClientConnection> discover(Duration timeout) {
    transport.modern(ProtocolVersions.LATEST_MODERN);
    era = Era.MODERN;
    return request("server/discover", new JsonObject(), timeout, null).compose(result -> {
      JsonArray versions = result.getJsonArray("supportedVersions", new JsonArray());
      String version = ProtocolVersions.MODERN.stream().filter(versions::contains).findFirst().orElse(null);
      if (version == null) {
        era = null;
        return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name
            + "\" speaks only protocol versions " + versions.encode() + "; the gateway speaks " + ProtocolVersions.ALL));
      }
      protocolVersion = version;
      JsonObject meta = result.getJsonObject("_meta", new JsonObject());
      serverInfo = meta.getJsonObject(RequestMeta.SERVER_INFO, new JsonObject());
      serverCapabilities = result.getValue("capabilities") instanceof JsonObject c ? c : new JsonObject();
      listen();
      return Future.succeededFuture(this);
    }).onFailure(e -> {
      if (era == Era.MODERN && protocolVersion == null) {
        era = null;
      }
    });
  }

  /** A recognized modern JSON-RPC error identifies a modern server: no fallback (transports §Backward Compatibility). */
  private static boolean modernAnswer(Throwable e) {
    if (!(e instanceof UpstreamRpcError rpc)) {
      return false;
    }
    int code = rpc.error().getInteger("code", 0);
    return code == RequestMeta.UNSUPPORTED_PROTOCOL_VERSION || code == RequestMeta.HEADER_MISMATCH
        || code == RequestMeta.MISSING_REQUIRED_CLIENT_CAPABILITY;
  }

  /**
   * Modern servers announce list changes and resource updates on a {@code subscriptions/listen} stream
   * (2026-07-28 basic/patterns/subscriptions): the shared connection opens one asking for every list the server
   * offers and the resource URIs the gateway holds; a change of those URIs opens a replacement, and the old
   * stream is let go once the new one is acknowledged (no gap). A stream the server ends is reopened after 1 s.
   * A connection owned by one downstream session opens none: the shared one hears the server's changes.
   */
  private void listen() {
    if (closed || owner != null) {
      return;
    }
    long id = nextId++;
    listenId = id;
    JsonObject filter = new JsonObject().put("toolsListChanged", true);
    if (serverCapabilities.containsKey("prompts")) {
      filter.put("promptsListChanged", true);
    }
    if (serverCapabilities.containsKey("resources")) {
      filter.put("resourcesListChanged", true);
    }
    java.util.Set<String> uris = new java.util.LinkedHashSet<>(resourceUris);
    if (!uris.isEmpty()) {
      filter.put("resourceSubscriptions", new JsonArray(new ArrayList<>(uris)));
    }
    listenedUris.put(id, uris);
    transport.send(JsonRpc.request(id, "subscriptions/listen", withMeta(new JsonObject().put("notifications", filter))))
        .onFailure(e -> {
          LOG.debug("upstream {} has no subscriptions/listen stream: {}", name, e.getMessage());
          listenRefused(id, "could not open its subscriptions/listen stream: " + e.getMessage());
          // Not reached (restarting, unreachable): try again, 1 s doubling to 30 s. A server that answers with
          // a JSON-RPC error refused it and is not asked again.
          long wait = Math.min(30_000, 1000L << Math.min(5, listenFailures++));
          vertx.setTimer(wait, t -> {
            if (listenId == id && !closed) {
              listen();
            }
          });
        });
  }

  /** The URIs to subscribe to changed: open a replacement stream with the changes of the next few milliseconds. */
  private void relisten() {
    if (relistenScheduled || closed || era != Era.MODERN) {
      return;
    }
    relistenScheduled = true;
    // A burst of subscriptions (listen requests arriving together) becomes one replacement stream, not one each:
    // every replacement sends the whole URI set.
    vertx.setTimer(RELISTEN_DELAY_MS, t -> {
      relistenScheduled = false;
      if (closed) {
        return;
      }
      if (replacedListenId >= 0) {
        // Two replacements in a row: the oldest stream is not needed to bridge any more.
        dropListen(replacedListenId);
      }
      replacedListenId = listenId;
      listen();
    });
  }

  private void dropListen(long id) {
    listenedUris.remove(id);
    if (!transport.cancelsByClosingStream()) {
      // stdio: every stream shares the channel; a subscription ends with notifications/cancelled (subscriptions §Cancellation).
      transport.send(JsonRpc.notification("notifications/cancelled",
          new JsonObject().put("requestId", id).put("reason", "replaced by another subscriptions/listen")));
    }
    transport.abandon(id);
  }

  /** The server ended (or answered) the current listen stream: reopen it with what is held now. */
  private void listenEnded(long id) {
    listenedUris.remove(id);
    if (id == listenId && !closed) {
      vertx.setTimer(1000, t -> {
        if (listenId == id) {
          listen();
        }
      });
    }
  }

  /** The listen request failed (or the server refused it): its waiting subscriptions fail. */
  private void listenRefused(long id, String why) {
    java.util.Set<String> uris = listenedUris.remove(id);
    if (uris != null) {
      uris.forEach(uri -> settle(uri, unavailable(why)));
    }
  }

  /** basic/patterns/subscriptions §Acknowledgment: the URIs the server agreed to watch. */
  private void acknowledged(JsonObject params, Object related) {
    Object sid = params.getJsonObject("_meta", new JsonObject()).getValue(RequestMeta.SUBSCRIPTION_ID);
    Object which = sid instanceof Number ? sid : related;
    if (!(which instanceof Number n)) {
      return;
    }
    long id = n.longValue();
    java.util.Set<String> asked = listenedUris.get(id);
    if (asked == null) {
      return;
    }
    JsonObject honoured = params.getJsonObject("notifications", new JsonObject());
    JsonArray watched = honoured.getValue("resourceSubscriptions") instanceof JsonArray a ? a : new JsonArray();
    for (String uri : asked) {
      settle(uri, watched.contains(uri) ? null : unavailable("did not accept a subscription to " + uri));
    }
    if (id == listenId) {
      listenFailures = 0;
    }
    if (id == listenId && replacedListenId >= 0) {
      dropListen(replacedListenId);
      replacedListenId = -1;
    }
  }

  private void settle(String uri, GatewayException failure) {
    List<Promise<Void>> waiting = awaitingAck.remove(uri);
    if (waiting == null) {
      return;
    }
    for (Promise<Void> p : waiting) {
      if (failure == null) {
        p.tryComplete();
      } else {
        p.tryFail(failure);
      }
    }
    if (failure != null && !awaitingAck.containsKey(uri)) {
      resourceUris.remove(uri);
    }
  }

  /**
   * Subscribes to updates of one resource (server/resources §Subscriptions): {@code resources/subscribe} on a
   * 2025 server; on a 2026 server the URI joins the listen stream, and the future completes when the server
   * acknowledges it (fails when the server leaves it out). Idempotent per URI.
   */
  Future<Void> subscribe(String uri, Duration timeout) {
    if (closed) {
      return Future.failedFuture(unavailable("connection is closed"));
    }
    if (era != Era.MODERN) {
      return request("resources/subscribe", new JsonObject().put("uri", uri), timeout, null).mapEmpty();
    }
    resourceUris.add(uri);
    Promise<Void> acked = Promise.promise();
    awaitingAck.computeIfAbsent(uri, k -> new ArrayList<>()).add(acked);
    long timer = vertx.setTimer(timeout.toMillis(), t -> {
      List<Promise<Void>> waiting = awaitingAck.get(uri);
      if (waiting != null && waiting.remove(acked) && waiting.isEmpty()) {
        // Nobody holds it after a failure: the stream stops asking for it.
        awaitingAck.remove(uri);
        resourceUris.remove(uri);
        relisten();
      }
      acked.tryFail(new GatewayException(ErrorCode.TIMEOUT, "upstream \"" + name
          + "\" did not acknowledge a subscription to " + uri + " within " + timeout.toMillis() + " ms"));
    });
    relisten();
    return acked.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /**
   * Gives up a resource subscription (legacy: resources/unsubscribe; modern: the listen stream without it). The
   * future completes, never failing, once the upstream answered the unsubscribe (or did not in time): a
   * subscribe to the same URI sent before then could be handled first and then undone by it.
   */
  Future<Void> unsubscribe(String uri, Duration timeout) {
    if (closed) {
      return Future.succeededFuture();
    }
    if (era != Era.MODERN) {
      return request("resources/unsubscribe", new JsonObject().put("uri", uri), timeout, null)
          .onFailure(e -> LOG.debug("upstream {} did not unsubscribe from {}: {}", name, uri, e.getMessage()))
          .<Void>mapEmpty().otherwiseEmpty();
    }
    if (resourceUris.remove(uri)) {
      relisten();
    }
    return Future.succeededFuture();
  }

  /**
   * A modern caller's capabilities as the upstream sees them: without the tasks extension
   * ({@code extensions["io.modelcontextprotocol/tasks"]}, 2026-07-28 changelog item 6), which the gateway does not
   * relay: a server may answer a client declaring it with a task ({@code resultType: "task"}) whose
   * {@code tasks/get} the gateway could not route, so the server must run the request normally instead.
   */
  static JsonObject forwardedCapabilities(JsonObject declared) {
    if (!(declared.getValue("extensions") instanceof JsonObject extensions) || !extensions.containsKey(TASKS_EXTENSION)) {
      return declared;
    }
    JsonObject out = declared.copy();
    out.getJsonObject("extensions").remove(TASKS_EXTENSION);
    if (out.getJsonObject("extensions").isEmpty()) {
      out.remove("extensions");
    }
    return out;
  }

  private static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

  /** The per-request protocol fields a modern request carries; the caller's own _meta (progressToken) is kept. */
  private JsonObject withMeta(JsonObject params) {
    JsonObject out = params == null ? new JsonObject() : params.copy();
    JsonObject meta = out.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
    if (era == Era.MODERN) {
      Object capabilities = meta.getValue(RequestMeta.CLIENT_CAPABILITIES);
      meta.put(RequestMeta.PROTOCOL_VERSION, ProtocolVersions.LATEST_MODERN)
          .put(RequestMeta.CLIENT_INFO, RequestMeta.implementation("mcp-gateway"))
          // The caller's own (a modern client's, per request), else what this connection speaks for.
          .put(RequestMeta.CLIENT_CAPABILITIES, capabilities instanceof JsonObject c ? forwardedCapabilities(c)
              : clientCapabilities.copy());
      out.put("_meta", meta);
    } else if (!meta.isEmpty()) {
      // A modern caller's fields mean nothing to a legacy server (it negotiated in initialize).
      meta.remove(RequestMeta.PROTOCOL_VERSION);
      meta.remove(RequestMeta.CLIENT_INFO);
      meta.remove(RequestMeta.CLIENT_CAPABILITIES);
      meta.remove(RequestMeta.LOG_LEVEL);
      if (meta.isEmpty()) {
        out.remove("_meta");
      } else {
        out.put("_meta", meta);
      }
    }
    return out;
  }

  /** The 2025 handshake (lifecycle §Initialization). */
  private Future<McpClientConnection> initialize(Duration timeout) {
    era = Era.LEGACY;
    JsonObject params = new JsonObject()
        .put("protocolVersion", ProtocolVersions.LATEST)
        .put("capabilities", clientCapabilities.copy())
        .put("clientInfo", RequestMeta.implementation("mcp-gateway"));
    return request("initialize", params, timeout, null)
        .compose(result -> {
          String version = result.getString("protocolVersion");
          if (!ProtocolVersions.LEGACY.contains(version)) {
            close();
            return Future.failedFuture(unavailable("answered with unsupported protocol version " + version));
          }
          protocolVersion = version;
          serverInfo = result.getJsonObject("serverInfo", new JsonObject());
          serverCapabilities = result.getValue("capabilities") instanceof JsonObject c ? c : new JsonObject();
          instructions = result.getValue("instructions") instanceof String i && !i.isBlank() ? i : null;
          transport.initialized(version);
          return transport.send(JsonRpc.notification("notifications/initialized", null));
        })
        .map(v -> this)
        .onFailure(e -> close());
  }

  /** All pages of {@code tools/list}. */
  Future<List<JsonObject>> listTools(Duration timeout) {
    return list(Listing.TOOLS, timeout);
  }

  /** All pages of a list (at most 100 pages); items without their identifying field are dropped. */
  Future<List<JsonObject>> list(Listing listing, Duration timeout) {
    return listPage(listing, null, new ArrayList<>(), timeout, 0);
  }

  private Future<List<JsonObject>> listPage(Listing listing, String cursor, List<JsonObject> acc, Duration timeout,
      int pages) {
    JsonObject params = cursor == null ? new JsonObject() : new JsonObject().put("cursor", cursor);
    return request(listing.method(), params, timeout, null).compose(result -> {
      JsonArray items = result.getValue(listing.resultKey()) instanceof JsonArray a ? a : new JsonArray();
      for (Object t : items) {
        if (t instanceof JsonObject item && item.getValue(listing.idField()) instanceof String) {
          acc.add(item);
        }
      }
      String next = result.getString("nextCursor");
      if (next == null || next.isEmpty() || pages > 100) {
        return Future.succeededFuture(acc);
      }
      return listPage(listing, next, acc, timeout, pages + 1);
    });
  }

  /** Sends a request; its own timeout sends {@code notifications/cancelled} for tools/call (cancellation §). */
  Future<JsonObject> request(String method, JsonObject params, Duration timeout, Handler<JsonObject> onNotification) {
    return begin(method, params, timeout, onNotification == null ? null : CallRelay.notificationsOnly(onNotification), null)
        .promise.future();
  }

  /** Starts a request and returns a handle that can cancel it. */
  Cancellable call(String method, JsonObject params, Duration timeout, Handler<JsonObject> onNotification) {
    return call(method, params, timeout, CallRelay.notificationsOnly(onNotification));
  }

  /** Starts a request whose notifications and server-to-client requests go to {@code relay}. */
  Cancellable call(String method, JsonObject params, Duration timeout, CallRelay relay) {
    return call(method, params, timeout, relay, null);
  }

  /**
   * As {@link #call(String, JsonObject, Duration, CallRelay)}, in the server's upstream session {@code session}
   * (null: this connection's own): a task's requests go to the session that created it, which may be another
   * gateway instance's (Streamable HTTP only). What the upstream asks on that request's stream is answered in the
   * same session.
   */
  Cancellable call(String method, JsonObject params, Duration timeout, CallRelay relay, String session) {
    Pending p = begin(method, params, timeout, relay, session);
    return new Cancellable(p.promise.future(), reason -> abort(p, reason,
        new GatewayException(ErrorCode.INVALID_INPUT, "cancelled: " + reason)));
  }

  record Cancellable(Future<JsonObject> result, Handler<String> cancel) {}

  /** The client sent {@code notifications/roots/list_changed}: tell the upstream, if it was told about roots. */
  void rootsChanged() {
    if (!closed && clientCapabilities.containsKey("roots")) {
      transport.send(JsonRpc.notification("notifications/roots/list_changed", null));
    }
  }

  /** The downstream session this connection serves alone, or null. */
  DownstreamClient owner() {
    return owner;
  }

  /**
   * The owning session's view was rebuilt on this instance (an idle view is dropped; its id keeps working):
   * requests no call carries go to the current view, which holds the GET stream. Same session, same capabilities.
   */
  void owner(DownstreamClient current) {
    if (owner != null && current != null && owner.sessionId().equals(current.sessionId())) {
      owner = current;
    }
  }

  /** This connection's upstream session id (Streamable HTTP, 2025 era), or null. */
  String sessionId() {
    return transport.sessionId();
  }

  private Pending begin(String method, JsonObject params, Duration timeout, CallRelay relay, String session) {
    JsonObject meta = params == null ? null : params.getJsonObject("_meta");
    Object callerToken = meta == null ? null : meta.getValue("progressToken");
    Pending p = new Pending(nextId++, method, relay, callerToken, session);
    if (closed) {
      p.promise.fail(unavailable("connection is closed"));
      return p;
    }
    JsonObject sent = params == null && era != Era.MODERN ? null : withMeta(params);
    if (p.progressToken != null) {
      sent.getJsonObject("_meta").put("progressToken", p.progressToken);
      byProgressToken.put(p.progressToken, p);
    }
    pending.put(p.id, p);
    p.timer = vertx.setTimer(timeout.toMillis(), t -> {
      p.timer = -1;
      abort(p, "timed out after " + timeout.toMillis() + " ms", new GatewayException(ErrorCode.TIMEOUT,
          "upstream \"" + name + "\" did not answer " + method + " within " + timeout.toMillis() + " ms"));
    });
    transport.send(JsonRpc.request(p.id, method, sent), session).onFailure(e -> fail(p, asGatewayFailure(e)));
    return p;
  }

  /** Fails the request with {@code failure} first, then tells the upstream and releases its stream. */
  private void abort(Pending p, String reason, GatewayException failure) {
    if (p.promise.future().isComplete()) {
      return;
    }
    fail(p, failure);
    if (closed) {
      return;
    }
    // MCP basic/utilities/cancellation: the initialize request must not be cancelled. Modern Streamable HTTP
    // cancels by closing the request's stream (2026-07-28 transports §Cancellation), which abandon() does;
    // modern stdio, one shared channel, still sends notifications/cancelled (stdio §Cancellation).
    if (!"initialize".equals(p.method) && !(era == Era.MODERN && transport.cancelsByClosingStream())) {
      transport.send(JsonRpc.notification("notifications/cancelled",
          new JsonObject().put("requestId", p.id).put("reason", reason)), p.session);
    }
    transport.abandon(p.id);
  }

  private void receive(JsonObject message, Object related) {
    if (JsonRpc.isResponse(message)) {
      Object id = message.getValue("id");
      if (id instanceof Number n && listenedUris.containsKey(n.longValue())) {
        // The server ended a listen stream gracefully (result) or refused it (error).
        if (message.getValue("error") instanceof JsonObject error) {
          listenRefused(n.longValue(), "refused subscriptions/listen: " + error.getString("message"));
        } else {
          listenEnded(n.longValue());
        }
        return;
      }
      Pending p = id instanceof Number n ? pending.get(n.longValue()) : null;
      if (p == null) {
        LOG.debug("upstream {} answered unknown request {}", name, id);
        return;
      }
      JsonObject error = message.getJsonObject("error");
      if (error != null) {
        fail(p, new UpstreamRpcError(error));
      } else {
        finish(p);
        Object result = message.getValue("result");
        p.promise.tryComplete(result instanceof JsonObject r ? r : new JsonObject());
      }
    } else if (JsonRpc.isNotification(message)) {
      notification(message, related);
    } else if (JsonRpc.isRequest(message)) {
      serverRequest(message, related);
    }
  }

  /**
   * The call whose client should get an upstream message that is not a response: the request whose stream
   * carried it (Streamable HTTP); on an owned connection otherwise the latest call in flight (they are all the
   * owner's); on a shared one over a transport that cannot relate messages (stdio, legacy SSE) the only call
   * in flight, if exactly one is (with several it is ambiguous and nobody gets it).
   */
  private Pending carrier(Object related) {
    Pending p = related instanceof Number n ? pending.get(n.longValue()) : null;
    if (p != null && p.relay != null) {
      return p;
    }
    if (p != null) {
      return null;
    }
    Pending latest = null;
    int calls = 0;
    for (Pending q : pending.values()) {
      if (q.relay != null) {
        calls++;
        if (latest == null || q.id > latest.id) {
          latest = q;
        }
      }
    }
    if (owner != null) {
      return latest;
    }
    return !transport.relatesMessages() && calls == 1 ? latest : null;
  }

  private void notification(JsonObject message, Object related) {
    String method = message.getString("method");
    JsonObject params = message.getJsonObject("params", new JsonObject());
    switch (method) {
      case "notifications/progress" -> {
        Pending p = byProgressToken.get(String.valueOf(params.getValue("progressToken")));
        if (p != null && p.relay != null) {
          JsonObject forCaller = message.copy();
          forCaller.getJsonObject("params").put("progressToken", p.callerProgressToken);
          p.relay.notification(forCaller);
        }
      }
      case "notifications/message", "notifications/elicitation/complete" -> {
        Pending p = carrier(related);
        if (p != null) {
          p.relay.notification(message.copy());
        } else if (owner != null) {
          owner.notification(message.copy());
        }
      }
      case "notifications/cancelled" -> {
        if (params.getValue("requestId") instanceof Number n && listenedUris.containsKey(n.longValue())) {
          listenEnded(n.longValue()); // stdio: the server ended our listen stream (subscriptions §Cancellation)
          return;
        }
        // cancellation §: the upstream no longer wants the answer to one of its requests; no response is sent.
        Pending carried = related instanceof Number rid ? pending.get(rid.longValue()) : null;
        ServerRequest r = fromServer.remove(serverRequestKey(carried == null ? null : carried.session,
            params.getValue("requestId")));
        if (r != null) {
          r.cancel(params.getString("reason", "cancelled by the server"));
        }
      }
      case "notifications/tools/list_changed" -> onToolsChanged.run();
      case "notifications/resources/updated", "notifications/resources/list_changed",
          "notifications/prompts/list_changed" -> onServerNotification.handle(message.copy());
      case "notifications/subscriptions/acknowledged" -> acknowledged(params, related);
      default -> LOG.debug("upstream {} sent {}", name, method);
    }
  }

  /**
   * A request from the upstream: {@code ping} is answered here; a client feature the connection declared goes to
   * the client (see {@link #carrier}); anything else is refused at once so the upstream never waits.
   */
  private void serverRequest(JsonObject request, Object related) {
    Object id = request.getValue("id");
    String method = request.getString("method");
    // Answered in the upstream session whose stream carried the request (a task's, possibly not ours).
    Pending carried = related instanceof Number n ? pending.get(n.longValue()) : null;
    String session = carried == null ? null : carried.session;
    if ("ping".equals(method)) {
      transport.send(JsonRpc.result(id, new JsonObject()), session);
      return;
    }
    JsonObject params = request.getValue("params") instanceof JsonObject o ? o : new JsonObject();
    String refused = refusal(method, params);
    if (refused != null) {
      transport.send(JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, refused), session);
      return;
    }
    String key = serverRequestKey(session, id);
    if (fromServer.containsKey(key) || fromServer.size() >= MAX_SERVER_REQUESTS) {
      transport.send(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, fromServer.containsKey(key)
          ? "request id " + key + " is already in use" : "too many requests to the client in flight (max "
          + MAX_SERVER_REQUESTS + ")"), session);
      return;
    }
    ServerRequest relayed = new ServerRequest(method, params.copy());
    fromServer.put(key, relayed);
    Pending p = carrier(related);
    Future<JsonObject> answer = p != null ? p.relay.request(relayed) : owner.request(relayed);
    answer.onComplete(ar -> {
      if (fromServer.get(key) != relayed) {
        return; // cancelled by the upstream, or the connection closed
      }
      fromServer.remove(key);
      if (closed) {
        return;
      }
      transport.send(ar.succeeded() ? withId(id, ar.result()) : errorFor(id, ar.cause()), session);
    });
  }

  /** Request ids are the upstream session's own: a task's session (not ours) may reuse one of ours. */
  private static String serverRequestKey(String session, Object id) {
    return session == null ? String.valueOf(id) : session + " " + id;
  }

  /** Why the connection will not relay this request, or null: only what it declared upstream (client features). */
  private String refusal(String method, JsonObject params) {
    String capability = switch (method) {
      case "sampling/createMessage" -> "sampling";
      case "elicitation/create" -> "elicitation";
      case "roots/list" -> "roots";
      default -> null;
    };
    if (capability == null || owner == null || !(clientCapabilities.getValue(capability) instanceof JsonObject declared)) {
      return "the gateway does not support " + method + (capability == null ? "" : " for this client");
    }
    if ("elicitation".equals(capability)) {
      // client/elicitation §Capabilities: an empty object means form mode only; no mode means form.
      String mode = params.getString("mode", "form");
      boolean supported = declared.isEmpty() ? "form".equals(mode) : declared.containsKey(mode);
      if (!supported) {
        return "the client did not declare elicitation mode \"" + mode + "\"";
      }
    }
    return null;
  }

  /** The client's answer (result or error) under the upstream's request id. */
  private static JsonObject withId(Object id, JsonObject answer) {
    JsonObject reply = new JsonObject().put("jsonrpc", JsonRpc.VERSION).put("id", id);
    if (answer.containsKey("error")) {
      return reply.put("error", answer.getValue("error"));
    }
    return reply.put("result", answer.getValue("result") == null ? new JsonObject() : answer.getValue("result"));
  }

  private static JsonObject errorFor(Object id, Throwable failure) {
    if (failure instanceof UpstreamRpcError e) {
      return new JsonObject().put("jsonrpc", JsonRpc.VERSION).put("id", id).put("error", e.error());
    }
    if (failure instanceof GatewayException g) {
      return JsonRpc.error(id, g.code().jsonRpcCode(), g.getMessage());
    }
    return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "the gateway could not relay the request to the client");
  }

  private void failSubscriptions(GatewayException e) {
    List<List<Promise<Void>>> waiting = new ArrayList<>(awaitingAck.values());
    awaitingAck.clear();
    waiting.forEach(list -> list.forEach(p -> p.tryFail(e)));
  }

  private void cancelServerRequests(String reason) {
    List<ServerRequest> open = new ArrayList<>(fromServer.values());
    fromServer.clear();
    open.forEach(r -> r.cancel(reason));
  }

  /**
   * Retires the connection: requests already sent keep their answers (at most {@code grace}), then it closes. A
   * replaced connection drains this way so that editing a server does not cut the calls in flight.
   */
  Future<Void> closeWhenIdle(Duration grace) {
    if (closed || pending.isEmpty()) {
      return close();
    }
    if (drained == null) {
      drained = Promise.promise();
      long timer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> close());
      drained.future().onComplete(ar -> vertx.cancelTimer(timer));
    }
    return drained.future().transform(ar -> close());
  }

  private void finish(Pending p) {
    pending.remove(p.id);
    if (drained != null && pending.isEmpty()) {
      Promise<Void> done = drained;
      vertx.runOnContext(v -> done.tryComplete()); // not from inside the delivery of the last answer
    }
    if (p.progressToken != null) {
      byProgressToken.remove(p.progressToken);
    }
    if (p.timer >= 0) {
      vertx.cancelTimer(p.timer);
      p.timer = -1;
    }
  }

  private void fail(Pending p, Throwable e) {
    finish(p);
    p.promise.tryFail(e);
  }

  private void transportClosed(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    GatewayException e = unavailable("connection lost" + (cause == null ? "" : ": " + cause.getMessage()));
    for (Pending p : new ArrayList<>(pending.values())) {
      fail(p, e);
    }
    cancelServerRequests("the upstream connection was lost");
    failSubscriptions(e);
    // Release what the dead transport still holds (HTTP client pool, stdio writer thread).
    transport.close().onFailure(err -> LOG.debug("upstream {} transport did not close cleanly: {}", name, err.getMessage()));
    onClosed.handle(e);
  }

  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    GatewayException e = unavailable("connection closed");
    for (Pending p : new ArrayList<>(pending.values())) {
      fail(p, e);
    }
    cancelServerRequests("the upstream connection was closed");
    failSubscriptions(e);
    return transport.close().recover(err -> Future.succeededFuture());
  }

  private GatewayException unavailable(String what) {
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name + "\" " + what);
  }

  private Throwable asGatewayFailure(Throwable e) {
    return e instanceof GatewayException ? e : unavailable("is unreachable (" + transport.describe() + "): " + e.getMessage());
  }
}
