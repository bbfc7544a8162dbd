package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.gateway.dispatch.Listening;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The open {@code subscriptions/listen} streams of this gateway instance (MCP 2026-07-28
 * basic/patterns/subscriptions): each is the response to one request, scoped to it and gone with it (no
 * session). List changes of a preset go to the streams whose honoured filter opted in; a resource update from
 * an upstream goes to the streams watching that (server, URI), under the URI each client named; every message
 * is tagged with the stream's subscription id. A keep-alive comment goes out periodically; on shutdown each
 * stream gets its graceful closing result. A stream that ends (either side) releases its upstream resource
 * subscriptions. Confined to the gateway verticle's event loop; bounded.
 */
public final class ListenStreams {
  /** At most this many open listen streams per instance; more are refused with 503. */
  static final int MAX_STREAMS = 10_000;
  private static final long KEEP_ALIVE_MS = 25_000;

  record Listener(UUID presetId, Object subscriptionId, Listening listening, HttpServerResponse response) {}

  private record Watched(UUID serverId, String uri) {}

  private final Vertx vertx;
  private final Map<HttpServerResponse, Listener> open = new LinkedHashMap<>();
  /** The streams watching each upstream resource. */
  private final Map<Watched, Set<Listener>> watching = new HashMap<>();
  private final Consumer<Listening> released;
  private final long keepAlive;

  /** {@code released}: gives a stream's upstream resource subscriptions up once it ended. */
  public ListenStreams(Vertx vertx, Consumer<Listening> released) {
    this.vertx = vertx;
    this.released = released;
    this.keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> open.keySet().forEach(r -> {
      if (writable(r)) {
        r.write(":\n\n");
      }
    }));
  }

  boolean full() {
    return open.size() >= MAX_STREAMS;
  }

  void add(Listener listener) {
    open.put(listener.response(), listener);
    for (Listening.Watch w : listener.listening().watches()) {
      watching.computeIfAbsent(new Watched(w.serverId(), w.uri()), k -> new LinkedHashSet<>()).add(listener);
    }
    listener.response().closeHandler(v -> remove(listener));
  }

  private void remove(Listener l) {
    if (open.remove(l.response()) == null) {
      return;
    }
    for (Listening.Watch w : l.listening().watches()) {
      Watched key = new Watched(w.serverId(), w.uri());
      Set<Listener> set = watching.get(key);
      if (set != null && set.remove(l) && set.isEmpty()) {
        watching.remove(key);
      }
    }
    released.accept(l.listening());
  }

  public int size() {
    return open.size();
  }

  /**
   * Sends a list-changed notification ({@code notifications/tools/list_changed}, ...) to the preset's streams
   * whose honoured filter opted in to {@code filterKey}. Returns how many streams received it.
   */
  public int notifyPreset(UUID presetId, String filterKey, String method) {
    int sent = 0;
    for (Listener l : new ArrayList<>(open.values())) {
      if (l.presetId().equals(presetId) && l.listening().wants(filterKey) && writable(l.response())) {
        send(l, JsonRpc.notification(method, new JsonObject()));
        sent++;
      }
    }
    return sent;
  }

  /**
   * An upstream's {@code notifications/resources/updated} (server/resources §Subscriptions): to the streams
   * watching that resource, each under the URI it named. Returns how many streams received it.
   */
  public int resourceUpdated(UUID serverId, JsonObject notification) {
    JsonObject params = notification.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    if (!(params.getValue("uri") instanceof String uri)) {
      return 0;
    }
    Set<Listener> listeners = watching.get(new Watched(serverId, uri));
    if (listeners == null) {
      return 0;
    }
    int sent = 0;
    for (Listener l : new ArrayList<>(listeners)) {
      for (Listening.Watch w : l.listening().watches()) {
        if (w.serverId().equals(serverId) && w.uri().equals(uri) && writable(l.response())) {
          JsonObject out = params.copy().put("uri", w.exposedUri());
          out.remove("_meta");
          send(l, JsonRpc.notification("notifications/resources/updated", out));
          sent++;
        }
      }
    }
    return sent;
  }

  /** basic/patterns/subscriptions §Receiving Notifications: every message names its subscription. */
  private static void send(Listener l, JsonObject notification) {
    JsonObject params = notification.getJsonObject("params");
    params.put("_meta", new JsonObject().put(RequestMeta.SUBSCRIPTION_ID, l.subscriptionId()));
    l.response().write(event(notification));
  }

  public boolean holds(UUID presetId) {
    return open.values().stream().anyMatch(l -> l.presetId().equals(presetId));
  }

  /**
   * The preset changed: its streams that are no longer served as acknowledged (a watched URI hidden or routed
   * elsewhere) end gracefully, so their clients listen again and get a fresh acknowledgement. Returns how many.
   */
  public int recheck(UUID presetId, java.util.function.Predicate<Listening> stillServed) {
    List<Listener> ending = open.values().stream()
        .filter(l -> l.presetId().equals(presetId) && !stillServed.test(l.listening())).toList();
    ending.forEach(this::end);
    return ending.size();
  }

  /** Ends the preset's streams gracefully (the preset was deleted or deactivated). */
  public void endPreset(UUID presetId) {
    List<Listener> ending = open.values().stream().filter(l -> l.presetId().equals(presetId)).toList();
    ending.forEach(this::end);
  }

  /** basic/patterns/subscriptions §Graceful Closure: the listen request's result, then the stream ends. */
  private void end(Listener l) {
    remove(l);
    if (writable(l.response())) {
      JsonObject result = new JsonObject().put("resultType", "complete")
          .put("_meta", new JsonObject().put(RequestMeta.SUBSCRIPTION_ID, l.subscriptionId()));
      l.response().end(event(JsonRpc.result(l.subscriptionId(), result)));
    }
  }

  public void close() {
    vertx.cancelTimer(keepAlive);
    new ArrayList<>(open.values()).forEach(this::end);
  }

  private static boolean writable(HttpServerResponse r) {
    return !r.closed() && !r.ended();
  }

  static Buffer event(JsonObject message) {
    return Buffer.buffer("event: message\ndata: " + message.encode() + "\n\n");
  }
}
