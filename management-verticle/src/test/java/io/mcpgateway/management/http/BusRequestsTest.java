package io.mcpgateway.management.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bus request failures map to the HTTP vocabulary: no handler → 503, no answer in time → 504. */
class BusRequestsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private GatewayException failure(String address) {
    Throwable e = BusRequests.request(vertx, address, new JsonObject(), 200, "metrics service")
        .map(ok -> (Throwable) null).otherwise(t -> t).await();
    assertThat(e).isInstanceOf(GatewayException.class);
    return (GatewayException) e;
  }

  @Test
  void a_request_nobody_consumes_is_unavailable() {
    GatewayException e = failure("test.nobody");
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.code().httpStatus()).isEqualTo(503);
    assertThat(e.getMessage()).contains("no metrics service is running");
  }

  @Test
  void a_request_nobody_answers_in_time_is_a_timeout() {
    vertx.eventBus().consumer("test.silent", m -> { }).completion().await();
    GatewayException e = failure("test.silent");
    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.code().httpStatus()).isEqualTo(504);
  }

  @Test
  void a_typed_failure_of_the_consumer_keeps_its_code() {
    vertx.eventBus().<JsonObject>consumer("test.refuses", m -> m.fail(ErrorCode.INVALID_INPUT.busCode(), "bad window"))
        .completion().await();
    GatewayException e = failure("test.refuses");
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(e.getMessage()).contains("bad window");
  }
}
