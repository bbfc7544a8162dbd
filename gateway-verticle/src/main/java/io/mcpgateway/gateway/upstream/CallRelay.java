package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/**
 * Where an upstream's messages about one downstream call go: its notifications (progress with the caller's
 * token restored, log messages) and the requests the upstream raises while serving it (sampling,
 * elicitation, roots), which must reach the client that made the call and nobody else.
 */
public interface CallRelay {
  void notification(JsonObject notification);

  /**
   * Sends {@code request} to the calling client and completes with the client's JSON-RPC response message
   * ({@code result} or {@code error}; its id is the gateway's and is replaced upstream). Fails with a
   * {@link GatewayException} when the client cannot be asked or does not answer in time.
   */
  Future<JsonObject> request(ServerRequest request);

  /** Notifications only: server requests are refused (the caller declared no client capabilities). */
  static CallRelay notificationsOnly(Handler<JsonObject> notifications) {
    return new CallRelay() {
      @Override
      public void notification(JsonObject notification) {
        if (notifications != null) {
          notifications.handle(notification);
        }
      }

      @Override
      public Future<JsonObject> request(ServerRequest request) {
        return Future.failedFuture(new GatewayException(ErrorCode.NOT_IMPLEMENTED,
            "the calling client cannot answer " + request.method()));
      }
    };
  }
}
