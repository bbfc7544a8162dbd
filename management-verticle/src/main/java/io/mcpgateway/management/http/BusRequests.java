package io.mcpgateway.management.http;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** Requests to other verticles over the event bus, with their failures mapped to the error vocabulary. */
public final class BusRequests {
  private BusRequests() {}

  /** The named fields of a reply, for a route that answers part of what one bus request returns. */
  public static JsonObject pick(JsonObject reply, String... fields) {
    JsonObject out = new JsonObject();
    for (String field : fields) {
      out.put(field, reply.getValue(field));
    }
    return out;
  }

  public static Future<JsonObject> request(Vertx vertx, String address, JsonObject body, long timeoutMs, String who) {
    return vertx.eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(m -> m.body())
        .recover(e -> {
          if (e instanceof ReplyException r) {
            if (r.failureType() == ReplyFailure.NO_HANDLERS) {
              return Future.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE,
                  "no " + who + " is running in this deployment (check MGW_ROLES)"));
            }
            if (r.failureType() == ReplyFailure.TIMEOUT) {
              return Future.failedFuture(new GatewayException(ErrorCode.TIMEOUT, who + " did not answer in time"));
            }
            return Future.failedFuture(new GatewayException(ErrorCode.fromBusCode(r.failureCode()), r.getMessage()));
          }
          return Future.failedFuture(e);
        });
  }
}
