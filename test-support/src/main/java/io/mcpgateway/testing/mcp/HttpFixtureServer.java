package io.mcpgateway.testing.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server for tests: the official Java SDK's servlet transport (Streamable HTTP at {@code /mcp}, or
 * the legacy HTTP+SSE transport at {@code /sse}) in an embedded Jetty on a loopback port, with the
 * {@link FixtureTools}. Records every request it receives (headers and JSON-RPC method) so tests can assert
 * what reached the upstream — e.g. that no caller token did, or that {@code notifications/cancelled} did.
 * Can be stopped and started again on the same port to simulate an outage.
 */
public final class HttpFixtureServer implements AutoCloseable {
  /** One HTTP request the fixture received. */
  public record Seen(String httpMethod, Map<String, String> headers, String jsonRpcMethod, String body) {}

  private final String name;
  private final boolean legacySse;
  private final FixtureFeatures features;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final McpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
  private Server jetty;
  private McpSyncServer mcp;
  private int port;

  private HttpFixtureServer(String name, boolean legacySse, FixtureFeatures features) {
    this.name = name;
    this.legacySse = legacySse;
    this.features = features;
  }

  /** A Streamable HTTP fixture with the standard tools, their text prefixed with {@code name + ":"}. */
  public static HttpFixtureServer streamable(String name) {
    HttpFixtureServer s = new HttpFixtureServer(name, false, null);
    s.start(0);
    return s;
  }

  /** A Streamable HTTP fixture with the given tools (built with {@link #json()}-compatible mappers). */
  public static HttpFixtureServer streamable(String name,
      java.util.function.Function<McpJsonMapper, List<SyncToolSpecification>> tools) {
    HttpFixtureServer s = new HttpFixtureServer(name, false,
        FixtureFeatures.tools(tools.apply(new JacksonMcpJsonMapper(new ObjectMapper()))));
    s.start(0);
    return s;
  }

  /** A Streamable HTTP fixture offering tools, resources, templates, prompts and completions as given. */
  public static HttpFixtureServer withFeatures(String name,
      java.util.function.Function<McpJsonMapper, FixtureFeatures> features) {
    HttpFixtureServer s = new HttpFixtureServer(name, false, features.apply(new JacksonMcpJsonMapper(new ObjectMapper())));
    s.start(0);
    return s;
  }

  /**
   * Tells subscribed clients that a resource changed (notifications/resources/updated); waits at most 30 s for the
   * sends (the SDK's own sync call waits without a bound, so a stuck client stream would hang the test).
   */
  public void resourceUpdated(String uri) {
    McpSyncServer server = mcp;
    try {
      java.util.concurrent.CompletableFuture.runAsync(() -> server.notifyResourcesUpdated(
          new McpSchema.ResourcesUpdatedNotification(uri))).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("fixture " + name + " could not send the update of " + uri + " within 30 s", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("fixture " + name + " could not send the update of " + uri, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Tells clients that the prompt list changed. */
  public void promptsChanged() {
    mcp.notifyPromptsListChanged();
  }

  /** Adds a prompt (until the next restart) and tells clients that the prompt list changed. */
  public void addPrompt(io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification prompt) {
    mcp.addPrompt(prompt);
    mcp.notifyPromptsListChanged();
  }

  /** A legacy HTTP+SSE (2024-11-05) fixture with the standard tools. */
  public static HttpFixtureServer legacySse(String name) {
    HttpFixtureServer s = new HttpFixtureServer(name, true, null);
    s.start(0);
    return s;
  }

  /** A legacy HTTP+SSE (2024-11-05) fixture with the given tools. */
  public static HttpFixtureServer legacySse(String name,
      java.util.function.Function<McpJsonMapper, List<SyncToolSpecification>> tools) {
    HttpFixtureServer s = new HttpFixtureServer(name, true,
        FixtureFeatures.tools(tools.apply(new JacksonMcpJsonMapper(new ObjectMapper()))));
    s.start(0);
    return s;
  }

  public McpJsonMapper json() {
    return json;
  }

  public String url() {
    return "http://127.0.0.1:" + port + (legacySse ? "/sse" : "/mcp");
  }

  public int port() {
    return port;
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public boolean received(String jsonRpcMethod) {
    return seen.stream().anyMatch(s -> jsonRpcMethod.equals(s.jsonRpcMethod()));
  }

  /** Adds a tool at run time and tells connected clients (notifications/tools/list_changed). */
  public void addTool(SyncToolSpecification tool) {
    mcp.addTool(tool);
    mcp.notifyToolsListChanged();
  }

  public synchronized void start(int onPort) {
    try {
      var context = new ServletContextHandler();
      context.setContextPath("/");
      HttpServlet servlet;
      if (legacySse) {
        var provider = HttpServletSseServerTransportProvider.builder().jsonMapper(json)
            .messageEndpoint("/message").sseEndpoint("/sse").build();
        mcp = features(McpServer.sync(provider)).build();
        servlet = provider;
        context.addServlet(new ServletHolder(servlet), "/*");
      } else {
        var provider = HttpServletStreamableServerTransportProvider.builder().jsonMapper(json).mcpEndpoint("/mcp").build();
        mcp = features(McpServer.sync(provider)).build();
        servlet = provider;
        context.addServlet(new ServletHolder(servlet), "/mcp");
      }
      context.addFilter(new FilterHolder(new Recorder()), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
      jetty = new Server();
      var connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      connector.setPort(onPort);
      jetty.addConnector(connector);
      jetty.setHandler(context);
      jetty.start();
      port = connector.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException("fixture " + name + " did not start", e);
    }
  }

  private McpServer.SyncSpecification<?> features(McpServer.SyncSpecification<?> spec) {
    FixtureFeatures f = features == null ? FixtureFeatures.tools(FixtureTools.standard(json, name + ":")) : features;
    spec.serverInfo(name, "1.0.0").jsonMapper(json).capabilities(f.capabilities()).tools(f.tools())
        .requestTimeout(Duration.ofSeconds(60));
    if (!f.resources().isEmpty()) {
      spec.resources(f.resources());
    }
    if (!f.templates().isEmpty()) {
      spec.resourceTemplates(f.templates());
    }
    if (!f.prompts().isEmpty()) {
      spec.prompts(f.prompts());
    }
    if (!f.completions().isEmpty()) {
      spec.completions(f.completions());
    }
    if (f.instructions() != null) {
      spec.instructions(f.instructions());
    }
    return spec;
  }

  /** Stops serving (connections refused) until {@link #restart()}. */
  public synchronized void stop() {
    try {
      if (mcp != null) {
        mcp.close();
      }
      if (jetty != null) {
        jetty.stop();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts again on the same port. */
  public void restart() {
    start(port);
  }

  @Override
  public void close() {
    stop();
  }

  /** Buffers each request body so it can be recorded and still read by the SDK servlet. */
  private final class Recorder implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, jakarta.servlet.ServletException {
      HttpServletRequest http = (HttpServletRequest) request;
      byte[] body = http.getInputStream().readAllBytes();
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String h : Collections.list(http.getHeaderNames())) {
        headers.put(h, http.getHeader(h));
      }
      String text = new String(body, StandardCharsets.UTF_8);
      String method = null;
      try {
        if (!text.isBlank()) {
          Object parsed = json.readValue(text, Object.class);
          if (parsed instanceof Map<?, ?> m && m.get("method") instanceof String s) {
            method = s;
          }
        }
      } catch (IOException ignored) {
        // not JSON; recorded as is
      }
      seen.add(new Seen(http.getMethod(), headers, method, text));
      chain.doFilter(new Replayed(http, body), response);
    }
  }

  private static final class Replayed extends HttpServletRequestWrapper {
    private final byte[] body;

    Replayed(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      var in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }
  }
}
