package io.mcpgateway.gateway.dispatch;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * An open {@code subscriptions/listen} stream as the dispatcher sees it: the honoured filter (what the
 * acknowledgement reports) and the resources it watches upstream. Released with
 * {@link McpDispatcher#stopListening}.
 */
public record Listening(JsonObject honoured, List<Watch> watches) {
  public Listening {
    honoured = honoured.copy();
    watches = List.copyOf(watches);
  }

  public boolean wants(String filterKey) {
    return Boolean.TRUE.equals(honoured.getValue(filterKey));
  }

  /** One watched resource: the owning server, its original URI, and the URI the client named. */
  public record Watch(UUID serverId, String uri, String exposedUri) {}
}
