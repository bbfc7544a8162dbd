package io.mcpgateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * The JVM's ceiling for a proxy on this machine: a Vert.x HTTP server that forwards every POST body to the
 * upstream and relays the answer (status, body, {@code Mcp-Session-Id}), with no MCP logic at all — no
 * parsing, no auth, no rate limit, no catalog. Runs as {@code instances} verticles like the gateway.
 * Usage: {@code BareForwarder <port> <upstreamUrl> [instances]}
 */
public final class BareForwarder extends VerticleBase {
  private final int port;
  private final URI upstream;
  private HttpClient client;

  private BareForwarder(int port, URI upstream) {
    this.port = port;
    this.upstream = upstream;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    URI upstream = URI.create(args[1]);
    int instances = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareForwarder(port, upstream), new DeploymentOptions().setInstances(instances)).await();
    System.out.println("bare forwarder on http://127.0.0.1:" + port + "/mcp → " + upstream + " (" + instances + " instances)");
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(256));
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)).requestHandler(req -> req.body()
        .compose(body -> {
          RequestOptions out = new RequestOptions().setMethod(HttpMethod.POST).setHost(upstream.getHost())
              .setPort(upstream.getPort()).setURI(upstream.getPath())
              .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream");
          String session = req.getHeader("Mcp-Session-Id");
          if (session != null) {
            out.putHeader("Mcp-Session-Id", session);
          }
          return client.request(out).compose(r -> r.send(body)).compose(resp -> resp.body().map(b -> {
            var answer = req.response().setStatusCode(resp.statusCode());
            String type = resp.getHeader("Content-Type");
            if (type != null) {
              answer.putHeader("Content-Type", type);
            }
            String id = resp.getHeader("Mcp-Session-Id");
            if (id != null) {
              answer.putHeader("Mcp-Session-Id", id);
            }
            return answer.end(b);
          }));
        })
        .onFailure(e -> req.response().setStatusCode(502).end()))
        .listen(port, "127.0.0.1");
  }
}
