package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A modern upstream's {@code input_required} result (MCP 2026-07-28 basic/patterns/mrtr) seen by a 2025-era
 * client, which has no such result type: each input request becomes the server-to-client request of
 * 2025-11-25 ({@code elicitation/create}, {@code sampling/createMessage}, {@code roots/list}) sent through the
 * call's {@link CallRelay} (on that call's stream), and the answers go back to the upstream in a retry with
 * {@code inputResponses} and the upstream's {@code requestState}, until the result is complete.
 */
final class InputRequiredBridge {
  /** Rounds of questions one call may take before the gateway gives up on the upstream. */
  static final int MAX_ROUNDS = 8;

  private InputRequiredBridge() {}

  /** {@code retry}: calls the upstream again with the original params plus the given fields. */
  static Future<JsonObject> complete(JsonObject result, CallRelay relay, Function<JsonObject, Future<JsonObject>> retry) {
    return complete(result, relay, retry, 0);
  }

  private static Future<JsonObject> complete(JsonObject result, CallRelay relay,
      Function<JsonObject, Future<JsonObject>> retry, int round) {
    if (!"input_required".equals(result.getString("resultType"))) {
      return Future.succeededFuture(result);
    }
    if (round >= MAX_ROUNDS) {
      return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
          "the upstream still asked for input after " + MAX_ROUNDS + " rounds"));
    }
    JsonObject requests = result.getValue("inputRequests") instanceof JsonObject r ? r : new JsonObject();
    List<String> keys = new ArrayList<>(requests.fieldNames());
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String key : keys) {
      if (!(requests.getValue(key) instanceof JsonObject request) || !(request.getValue("method") instanceof String method)) {
        return Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
            "the upstream's input request \"" + key + "\" is not a request"));
      }
      JsonObject params = request.getValue("params") instanceof JsonObject p ? p : new JsonObject();
      answers.add(relay.request(new ServerRequest(method, params)).compose(response -> {
        if (response.getValue("result") instanceof JsonObject answer) {
          return Future.succeededFuture(answer);
        }
        JsonObject error = response.getJsonObject("error", new JsonObject());
        return Future.failedFuture(new GatewayException(ErrorCode.INVALID_INPUT, "the client refused " + method + ": "
            + error.getString("message", "no answer")));
      }));
    }
    return Future.all(answers).compose(done -> {
      JsonObject responses = new JsonObject();
      for (int i = 0; i < keys.size(); i++) {
        responses.put(keys.get(i), answers.get(i).result());
      }
      JsonObject extra = new JsonObject().put("inputResponses", responses);
      if (result.getValue("requestState") instanceof String state) {
        extra.put("requestState", state);
      }
      return retry.apply(extra);
    }).compose(next -> complete(next, relay, retry, round + 1));
  }
}
