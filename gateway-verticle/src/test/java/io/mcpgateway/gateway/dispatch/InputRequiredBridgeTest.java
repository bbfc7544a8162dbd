package io.mcpgateway.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.upstream.CallRelay;
import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A modern upstream's input_required, turned into 2025 server-to-client requests and a retry. */
class InputRequiredBridgeTest {
  private final List<ServerRequest> asked = new ArrayList<>();
  private final List<JsonObject> retries = new ArrayList<>();

  private CallRelay answering(JsonObject response) {
    return new CallRelay() {
      @Override
      public void notification(JsonObject notification) {}

      @Override
      public Future<JsonObject> request(ServerRequest request) {
        asked.add(request);
        return Future.succeededFuture(response);
      }
    };
  }

  private static JsonObject inputRequired(String state) {
    JsonObject r = new JsonObject().put("resultType", "input_required").put("inputRequests", new JsonObject()
        .put("confirm", new JsonObject().put("method", "elicitation/create")
            .put("params", new JsonObject().put("message", "Sure?"))));
    return state == null ? r : r.put("requestState", state);
  }

  @Test
  void each_input_request_is_asked_and_the_answers_and_state_go_back_in_the_retry() {
    CallRelay relay = answering(new JsonObject().put("id", 1).put("result", new JsonObject().put("action", "accept")));
    JsonObject done = InputRequiredBridge.complete(inputRequired("s1"), relay, extra -> {
      retries.add(extra);
      return Future.succeededFuture(new JsonObject().put("resultType", "complete").put("content", "ok"));
    }).await();
    assertThat(done.getString("content")).isEqualTo("ok");
    assertThat(asked).extracting(ServerRequest::method).containsExactly("elicitation/create");
    assertThat(asked.get(0).params().getString("message")).isEqualTo("Sure?");
    assertThat(retries).hasSize(1);
    assertThat(retries.get(0).getString("requestState")).isEqualTo("s1");
    assertThat(retries.get(0).getJsonObject("inputResponses").getJsonObject("confirm").getString("action")).isEqualTo("accept");
  }

  @Test
  void a_complete_result_passes_untouched_and_endless_questions_stop() {
    JsonObject plain = new JsonObject().put("content", "x");
    assertThat(InputRequiredBridge.complete(plain, answering(null), e -> null).await()).isSameAs(plain);
    CallRelay relay = answering(new JsonObject().put("result", new JsonObject()));
    Future<JsonObject> endless = InputRequiredBridge.complete(inputRequired(null), relay, e -> Future.succeededFuture(inputRequired(null)));
    assertThat(endless.failed()).isTrue();
    assertThat(endless.cause()).isInstanceOf(GatewayException.class).hasMessageContaining("rounds");
  }

  @Test
  void a_client_that_refuses_fails_the_call_with_its_reason() {
    CallRelay relay = answering(new JsonObject().put("error", new JsonObject().put("code", -1).put("message", "user said no")));
    Future<JsonObject> refused = InputRequiredBridge.complete(inputRequired(null), relay, e -> Future.succeededFuture(new JsonObject()));
    assertThat(refused.cause()).hasMessageContaining("user said no");
  }
}
