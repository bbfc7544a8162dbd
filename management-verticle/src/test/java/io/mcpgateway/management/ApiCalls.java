package io.mcpgateway.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;

/** Calls to /api/v1 as the management tests make them. */
final class ApiCalls {
  private ApiCalls() {}

  static HttpResponse<Buffer> call(WebClient web, int port, HttpMethod method, String path, String key, JsonObject body) {
    var request = web.request(method, port, "127.0.0.1", "/api/v1" + path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  /** Asserts a 201 (showing the body when it is not) and returns the created resource. */
  static JsonObject created(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static String slug(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
