package io.mcpgateway.gateway.session;

import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One call's way back to the client that made it: the upstream's notifications about the call (log messages
 * filtered by the session's level) and its requests (sampling, elicitation, roots) on the call's own stream,
 * falling back to the session's GET stream. When the call ends, what its upstream still asked is moot and is
 * cancelled.
 */
public final class ClientRelay implements CallRelay {
  private final Session session;
  private final Consumer<JsonObject> notifications;
  private final Predicate<JsonObject> stream;
  private final List<ServerRequest> open = new ArrayList<>();

  /**
   * {@code notifications} carries notifications on the call's stream; {@code stream} writes any message there
   * and says whether it could (false: a batch, or a client that does not accept SSE).
   */
  public ClientRelay(Session session, Consumer<JsonObject> notifications, Predicate<JsonObject> stream) {
    this.session = session;
    this.notifications = notifications;
    this.stream = stream;
  }

  @Override
  public void notification(JsonObject notification) {
    if (session.wantsLog(notification)) {
      notifications.accept(notification);
    }
  }

  @Override
  public Future<JsonObject> request(ServerRequest request) {
    open.add(request);
    return session.ask(request, stream).andThen(ar -> open.remove(request));
  }

  /** The call is over (answered, failed, timed out or cancelled). */
  public void callEnded() {
    new ArrayList<>(open).forEach(r -> r.cancel("the call that caused it has ended"));
    open.clear();
  }
}
