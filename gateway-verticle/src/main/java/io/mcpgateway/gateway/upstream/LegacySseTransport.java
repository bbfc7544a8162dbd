package io.mcpgateway.gateway.upstream;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * The HTTP+SSE transport of MCP 2024-11-05: a long-lived GET stream whose first {@code endpoint} event names
 * the URL to POST messages to; every server message (responses included) arrives on that stream.
 */
final class LegacySseTransport extends Transport {
  private final Vertx vertx;
  private final UpstreamLimits limits;
  private final String name;
  private final String url;
  private final Map<String, String> headers;
  private final HttpClient client;
  private HttpClientResponse stream;
  private String endpoint;
  private boolean closed;

  LegacySseTransport(Vertx vertx, String name, String url, Map<String, String> headers, UpstreamLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
    this.name = name;
    this.url = url;
    this.headers = headers;
    this.client = vertx.createHttpClient(limits.tls(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000)
            .setIdleTimeout((int) limits.streamIdleTimeout().toSeconds())),
        new PoolOptions().setHttp1MaxSize(32));
  }

  @Override
  Future<Void> open() {
    Promise<Void> ready = Promise.promise();
    // A server that opens the stream but never names its endpoint must not hold the connection attempt forever.
    long waited = vertx.setTimer(limits.controlTimeout().toMillis(), t -> {
      if (ready.tryFail(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name
          + "\" sent no endpoint event within " + limits.controlTimeout().toMillis() + " ms"))) {
        if (stream != null) {
          stream.request().reset();
        }
      }
    });
    ready.future().onComplete(ar -> vertx.cancelTimer(waited));
    guard.route(options(HttpMethod.GET, url)).compose(client::request)
        .compose(req -> req.putHeader("Accept", "text/event-stream").send())
        .onSuccess(resp -> {
          if (resp.statusCode() != 200) {
            resp.end();
            ready.tryFail(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
                "upstream \"" + name + "\" answered the SSE stream with HTTP " + resp.statusCode()));
            return;
          }
          stream = resp;
          var parser = new SseParser(limits.maxMessageBytes(), event -> {
            if ("endpoint".equals(event.name())) {
              URI base = URI.create(url);
              URI target = base.resolve(event.data().trim());
              // The gateway's credential headers go with every POST: never to an origin the operator did not name.
              if (!sameOrigin(base, target)) {
                ready.tryFail(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name
                    + "\" named a message endpoint on another origin (" + target.getHost() + "); refused"));
                resp.request().reset();
                return;
              }
              endpoint = target.toString();
              ready.tryComplete();
            } else if ("message".equals(event.name())) {
              try {
                inbound.message(new JsonObject(event.data()), null);
              } catch (RuntimeException ignored) {
                // not a JSON-RPC message
              }
            }
          }, limit -> {
            // The stream does not say which request an event answers: every pending one fails rather than wait.
            ready.tryFail(BoundedBody.tooLarge(name, limit));
            inbound.failed(null, BoundedBody.tooLarge(name, limit));
          });
          resp.handler(parser::feed);
          resp.endHandler(v -> lost(ready, "the SSE stream ended"));
          resp.exceptionHandler(e -> lost(ready, e.getMessage()));
        })
        .onFailure(ready::tryFail);
    return ready.future();
  }

  private void lost(Promise<Void> ready, String why) {
    stream = null;
    ready.tryFail(new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream \"" + name + "\": " + why));
    if (!closed) {
      closedHandler.handle(new IOException(why));
    }
  }

  @Override
  Future<Void> send(JsonObject message) {
    if (endpoint == null) {
      return Future.failedFuture(new IOException("no message endpoint yet"));
    }
    // The answer comes on the stream; the POST itself is acknowledged at once (202), so it gets the control timeout.
    return guard.route(options(HttpMethod.POST, endpoint).setIdleTimeout(limits.controlTimeout().toMillis()))
        .compose(client::request)
        .compose(req -> req.putHeader("Content-Type", "application/json").send(message.toBuffer()))
        .compose(resp -> BoundedBody.head(resp, 4096).compose(body -> resp.statusCode() < 300 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new GatewayException(resp.statusCode() >= 500 || resp.statusCode() == 401
                || resp.statusCode() == 403 || resp.statusCode() == 429 ? ErrorCode.UPSTREAM_UNAVAILABLE
                : ErrorCode.INVALID_INPUT, "upstream \"" + name + "\" answered HTTP " + resp.statusCode()))));
  }

  @Override
  Future<Void> close() {
    closed = true;
    stream = null;
    return client.close();
  }

  @Override
  String describe() {
    return "HTTP+SSE " + redacted(url);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return java.util.Objects.equals(a.getScheme(), b.getScheme()) && java.util.Objects.equals(a.getHost(), b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private RequestOptions options(HttpMethod method, String target) {
    var options = new RequestOptions().setMethod(method).setAbsoluteURI(target).setIdleTimeout(0);
    headers.forEach(options::putHeader);
    return options;
  }

}
