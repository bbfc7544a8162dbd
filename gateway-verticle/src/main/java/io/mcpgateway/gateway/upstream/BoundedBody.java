package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an upstream HTTP response body up to a bound. A body announced or found to be larger fails at once with
 * {@link #tooLarge} and the exchange is reset, so the rest is never read (a 50 MB answer costs the bound, not 50 MB,
 * and the caller hears about it now, not at its timeout).
 */
final class BoundedBody {
  private BoundedBody() {}

  static GatewayException tooLarge(String server, long limit) {
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + server
        + "\" response too large: a message over " + limit + " bytes (MGW_UPSTREAM_MAX_MESSAGE)");
  }

  /** The whole body, failing with {@link #tooLarge} beyond {@code limit} bytes. */
  static Future<Buffer> read(HttpClientResponse resp, String server, int limit) {
    return read(resp, limit, () -> tooLarge(server, limit));
  }

  /** At most {@code limit} bytes of the body (for error excerpts): the rest is dropped, not an error. */
  static Future<Buffer> head(HttpClientResponse resp, int limit) {
    return read(resp, limit, null);
  }

  private static Future<Buffer> read(HttpClientResponse resp, int limit, java.util.function.Supplier<GatewayException> over) {
    Promise<Buffer> done = Promise.promise();
    String length = resp.getHeader("Content-Length");
    if (over != null && length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
      resp.request().reset();
      return Future.failedFuture(over.get());
    }
    Buffer body = Buffer.buffer();
    resp.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        if (over == null) {
          body.appendBuffer(chunk, 0, limit - body.length());
          done.tryComplete(body);
        } else {
          done.tryFail(over.get());
        }
        resp.request().reset();
        return;
      }
      body.appendBuffer(chunk);
    });
    resp.endHandler(v -> done.tryComplete(body));
    resp.exceptionHandler(done::tryFail);
    return done.future();
  }
}
