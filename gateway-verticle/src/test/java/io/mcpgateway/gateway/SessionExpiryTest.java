package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

class SessionExpiryTest {
  @Test
  void a_session_older_than_the_maximum_age_answers_404() {
    try (GatewayHarness gw = new GatewayHarness("expiry", new JsonObject().put("MGW_SESSION_MAX_AGE", "600ms"))) {
      Preset preset = gw.preset(GatewayHarness.slug("idle"), Visibility.PUBLIC);
      WebClient web = WebClient.create(gw.vertx);
      HttpResponse<Buffer> init = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
              .put("params", new JsonObject().put("protocolVersion", "2025-11-25"))).await();
      String session = init.getHeader("Mcp-Session-Id");
      JsonObject ping = new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "ping");
      assertThat(web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug()).putHeader("Mcp-Session-Id", session)
          .sendJsonObject(ping).await().statusCode()).isEqualTo(200);
      // Age is the behaviour under test: let 2.5 maximum ages pass.
      io.vertx.core.Future.<Void>future(p -> gw.vertx.setTimer(1500, t -> p.complete())).await();
      assertThat(web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug()).putHeader("Mcp-Session-Id", session)
          .sendJsonObject(ping).await().statusCode()).isEqualTo(404);
    }
  }

  @Test
  void an_idle_session_keeps_working_after_its_local_state_was_released() {
    try (GatewayHarness gw = new GatewayHarness("idle", new JsonObject().put("MGW_SESSION_IDLE_TIMEOUT", "300ms"))) {
      Preset preset = gw.preset(GatewayHarness.slug("idle"), Visibility.PUBLIC);
      WebClient web = WebClient.create(gw.vertx);
      String session = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
              .put("params", new JsonObject().put("protocolVersion", "2025-11-25"))).await().getHeader("Mcp-Session-Id");
      io.mcpgateway.testing.Eventually.await("the idle view to be released", java.time.Duration.ofSeconds(5),
          () -> gw.gateway.sessionViews().await() == 0);
      JsonObject ping = new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "ping");
      assertThat(web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug()).putHeader("Mcp-Session-Id", session)
          .sendJsonObject(ping).await().statusCode()).isEqualTo(200);
    }
  }

  @Test
  void an_idle_session_with_only_its_get_stream_open_loses_the_stream_and_its_view() {
    // docs/endpoint.md: an open GET stream alone is not activity (abandoned clients holding a socket must not pin
    // state forever). The id stays valid: the next request rebuilds the view.
    try (GatewayHarness gw = new GatewayHarness("listening", new JsonObject().put("MGW_SESSION_IDLE_TIMEOUT", "600ms"))) {
      Preset preset = gw.preset(GatewayHarness.slug("listen"), Visibility.PUBLIC);
      WebClient web = WebClient.create(gw.vertx);
      String session = web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize")
              .put("params", new JsonObject().put("protocolVersion", "2025-11-25"))).await().getHeader("Mcp-Session-Id");
      var raw = gw.vertx.createHttpClient();
      var stream = raw.request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET)
              .setHost("127.0.0.1").setPort(gw.port()).setURI("/mcp/" + preset.slug())
              .putHeader("Accept", "text/event-stream").putHeader("Mcp-Session-Id", session))
          .compose(r -> r.send()).await();
      assertThat(stream.statusCode()).isEqualTo(200);
      java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
      stream.handler(b -> { });
      stream.endHandler(v -> ended.set(true));
      stream.exceptionHandler(e -> ended.set(true));
      io.mcpgateway.testing.Eventually.await("the idle session's stream closed", java.time.Duration.ofSeconds(5), ended::get);
      assertThat(gw.gateway.sessionViews().await()).isZero();
      JsonObject ping = new JsonObject().put("jsonrpc", "2.0").put("id", 2).put("method", "ping");
      assertThat(web.post(gw.port(), "127.0.0.1", "/mcp/" + preset.slug()).putHeader("Mcp-Session-Id", session)
          .sendJsonObject(ping).await().statusCode()).isEqualTo(200);
    }
  }
}
