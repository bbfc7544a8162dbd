package io.mcpgateway.testing.mcp.modern;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real 2026-07-28 (modern) MCP server for tests: {@code modern-fixture.mjs} on the TypeScript SDK v2 in a Node
 * child process on a loopback port. It serves both eras (legacy requests statelessly, its input_required
 * returns turned into real server-to-client requests there). Tools, with {@code name} as prefix:
 * {@code _echo {text}}, {@code _confirm {what}} (an elicitation), {@code _sample {prompt}} (a sampling
 * request), {@code _stateful} (requestState only); prompt {@code _greeting}; subscribable resources
 * {@code {name}://doc/a} and {@code {name}://doc/b}. {@link #listens()}, {@link #resourceUpdated} and
 * {@link #addPrompt} drive and observe its {@code subscriptions/listen} streams. {@link #stdioCommand} runs the same
 * server over stdio.
 */
public final class ModernFixtureServer implements AutoCloseable {
  private static final java.net.http.HttpClient CONTROL = java.net.http.HttpClient.newHttpClient();
  private final String script;
  private final String name;
  private Process process;
  private final int port;

  private ModernFixtureServer(String script, String name, Process process, int port) {
    this.script = script;
    this.name = name;
    this.process = process;
    this.port = port;
  }

  public static ModernFixtureServer start(String name) {
    return start("modern-fixture.mjs", name);
  }

  /** Starts one of this package's fixture scripts; it prints {@code listening <port>} when ready. */
  public static ModernFixtureServer start(String script, String name) {
    Started s = launch(script, name, 0);
    return new ModernFixtureServer(script, name, s.process(), s.port());
  }

  /**
   * Stops the server process and starts a fresh one on the same port (its state — added prompts, open listen
   * streams — is gone, as after an upstream restart). Only the HTTP fixtures take a fixed port.
   */
  public synchronized void restart() {
    restart(java.time.Duration.ZERO);
  }

  /** {@link #restart()} after being down for {@code down} (an outage the gateway must ride out). */
  public synchronized void restart(java.time.Duration down) {
    stopProcess();
    try {
      Thread.sleep(down.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    process = launch(script, name, port).process();
  }

  private record Started(Process process, int port) {}

  private static Started launch(String script, String name, int onPort) {
    try {
      var dir = NodePackages.dir();
      var command = new java.util.ArrayList<>(java.util.List.of(NodePackages.node(dir).toString(),
          NodePackages.script(script).toString(), name));
      if (onPort != 0) {
        command.add("--port=" + onPort);
      }
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("listening ")) {
              return Integer.parseInt(line.substring("listening ".length()).trim());
            }
          }
          throw new IllegalStateException("the fixture exited before listening");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      int listening = port.get(30, TimeUnit.SECONDS);
      Thread drain = new Thread(() -> {
        try {
          while (reader.readLine() != null) {
            // keep the pipe empty
          }
        } catch (IOException ignored) {
          // process ended
        }
      }, "modern-fixture-" + name);
      drain.setDaemon(true);
      drain.start();
      return new Started(p, listening);
    } catch (Exception e) {
      throw new IllegalStateException("could not start the modern MCP fixture " + script + ": " + e.getMessage(), e);
    }
  }

  /**
   * The command line (node, script, name, {@code --stdio}) of the same fixture serving over stdio (the SDK's
   * {@code serveStdio}: a server/discover probe gets a modern server, an initialize a 2025 one).
   */
  public static java.util.List<String> stdioCommand(String name) {
    return stdioCommand("modern-fixture.mjs", name);
  }

  /** The command line of one of this package's fixture scripts serving over stdio ({@code --stdio}). */
  public static java.util.List<String> stdioCommand(String script, String name) {
    try {
      var dir = NodePackages.dir();
      return java.util.List.of(NodePackages.node(dir).toString(), NodePackages.script(script).toString(),
          name, "--stdio");
    } catch (IOException e) {
      throw new IllegalStateException("could not prepare the modern MCP fixture: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing the modern MCP fixture", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/mcp";
  }

  /** The filters of the {@code subscriptions/listen} streams open on the fixture now, as a JSON array. */
  public String listens() {
    return control("GET", "listens");
  }

  /** Sends {@code notifications/resources/updated} for {@code uri} on the listen streams watching it. */
  public void resourceUpdated(String uri) {
    control("POST", "update?uri=" + java.net.URLEncoder.encode(uri, StandardCharsets.UTF_8));
  }

  /** Adds a prompt and sends {@code notifications/prompts/list_changed}. */
  public void addPrompt(String name) {
    control("POST", "prompt?name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  private String control(String method, String path) {
    try {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/control/" + path))
          .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).timeout(java.time.Duration.ofSeconds(10)).build();
      return CONTROL.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException("the modern fixture's control endpoint failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    stopProcess();
  }

  private void stopProcess() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
