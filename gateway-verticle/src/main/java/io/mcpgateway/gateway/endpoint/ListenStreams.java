package io.mcpgateway.gateway.endpoint;

import io.mcpgateway.gateway.RequestMeta;
import io.mcpgateway.model.jsonrpc.JsonRpc;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The open {@code subscriptions/listen} streams of this node (MCP 2026-07-28 basic/patterns/subscriptions):
 * each is the response to one request, scoped to it and gone with it (no session). List changes of a preset
 * are sent to the streams that opted in, tagged with their subscription id; a keep-alive comment goes out
 * periodically; on shutdown each stream gets its graceful closing result. Confined to the gateway verticle's
 * event loop; bounded.
 */
public final class ListenStreams {
  /** At most this many open listen streams per node; more are refused with 503. */
  static final int MAX_STREAMS = 10_000;
  private static final long KEEP_ALIVE_MS = 25_000;

  record Listener(UUID presetId, Object subscriptionId, JsonObject filter, HttpServerResponse response) {}

  private final Vertx vertx;
  private final Map<HttpServerResponse, Listener> open = new LinkedHashMap<>();
  private final long keepAlive;

  public ListenStreams(Vertx vertx) {
    this.vertx = vertx;
    this.keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> open.keySet().forEach(r -> {
      if (!r.closed() && !r.ended()) {
        r.write(":\n\n");
      }
    }));
  }

  boolean full() {
    return open.size() >= MAX_STREAMS;
  }

  void add(Listener listener) {
    open.put(listener.response(), listener);
    listener.response().closeHandler(v -> open.remove(listener.response()));
  }

  public int size() {
    return open.size();
  }

  /**
   * Sends a list-changed notification ({@code notifications/tools/list_changed}, ...) to the preset's streams
   * whose filter opted in to {@code filterKey}. Returns how many streams received it.
   */
  public int notifyPreset(UUID presetId, String filterKey, String method) {
    int sent = 0;
    for (Listener l : new ArrayList<>(open.values())) {
      if (l.presetId().equals(presetId) && Boolean.TRUE.equals(l.filter().getValue(filterKey)) && writable(l.response())) {
        JsonObject params = new JsonObject().put("_meta", new JsonObject().put(RequestMeta.SUBSCRIPTION_ID, l.subscriptionId()));
        l.response().write(event(JsonRpc.notification(method, params)));
        sent++;
      }
    }
    return sent;
  }

  /** Ends the preset's streams gracefully (the preset was deleted or deactivated). */
  public void endPreset(UUID presetId) {
    List<Listener> ending = open.values().stream().filter(l -> l.presetId().equals(presetId)).toList();
    ending.forEach(this::end);
  }

  /** basic/patterns/subscriptions §Graceful Closure: the listen request's result, then the stream ends. */
  private void end(Listener l) {
    open.remove(l.response());
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
