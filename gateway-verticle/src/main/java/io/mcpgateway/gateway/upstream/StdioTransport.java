package io.mcpgateway.gateway.upstream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP stdio transport (basic/transports §stdio): the server is a child process exchanging newline-delimited
 * JSON-RPC on stdin/stdout. Reads block, so each stream has its own daemon thread that hands lines to the
 * connection's Vert.x context; writes go through one ordered writer thread. The child gets only the
 * configured environment plus PATH and HOME, never the gateway's own variables (which hold its secrets).
 */
final class StdioTransport extends Transport {
  private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

  private final Vertx vertx;
  private final String name;
  private final String command;
  private final List<String> args;
  private final Map<String, String> env;
  private final int maxLine;
  private Context context;
  private Process process;
  private ExecutorService writer;
  private OutputStream stdin;
  private volatile boolean closing;

  StdioTransport(Vertx vertx, String name, String command, List<String> args, Map<String, String> env,
      UpstreamLimits limits) {
    this.maxLine = limits.maxMessageBytes();
    this.vertx = vertx;
    this.name = name;
    this.command = command;
    this.args = args;
    this.env = env;
  }

  /**
   * MCP 2026-07-28 basic/transports/stdio §Backward Compatibility: one newline-delimited channel carries either
   * era; a modern request says so in its own {@code _meta} (no header layer), so the connection probes.
   */
  @Override
  boolean carriesModern() {
    return true;
  }

  @Override
  Future<Void> open() {
    context = vertx.getOrCreateContext();
    return vertx.<Process>executeBlocking(() -> {
      List<String> cmd = new ArrayList<>();
      cmd.add(command);
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      Map<String, String> childEnv = pb.environment();
      String path = childEnv.get("PATH");
      String home = childEnv.get("HOME");
      childEnv.clear();
      if (path != null) {
        childEnv.put("PATH", path);
      }
      if (home != null) {
        childEnv.put("HOME", home);
      }
      childEnv.putAll(env);
      return pb.start();
    }).map(p -> {
      process = p;
      stdin = p.getOutputStream();
      writer = Executors.newSingleThreadExecutor(r -> daemon(r, "mgw-stdio-write-" + name));
      daemon(this::readStdout, "mgw-stdio-read-" + name).start();
      daemon(this::readStderr, "mgw-stdio-err-" + name).start();
      p.onExit().thenAccept(exited -> context.runOnContext(v -> {
        if (!closing) {
          LOG.warn("stdio upstream {} exited with code {}", name, exited.exitValue());
        }
        closedHandler.handle(new IOException("process exited with code " + exited.exitValue()));
      }));
      LOG.info("started stdio upstream {} (pid {})", name, p.pid());
      return null;
    });
  }

  /**
   * Reads newline-delimited messages holding at most {@code maxLine} bytes of one line: the rest of a longer line
   * is skipped as it is read (never buffered) and the pending requests fail with "response too large".
   */
  private void readStdout() {
    try (InputStream in = process.getInputStream()) {
      new LineReader(maxLine, this::line, this::lineTooLarge).readAll(in);
    } catch (IOException e) {
      if (!closing) {
        LOG.debug("stdio upstream {} stdout closed: {}", name, e.getMessage());
      }
    }
  }

  private void line(String line) {
    if (line.isBlank()) {
      return;
    }
    context.runOnContext(v -> {
      try {
        inbound.message(new JsonObject(line), null);
      } catch (RuntimeException e) {
        LOG.debug("stdio upstream {} wrote a non-JSON line to stdout; ignored", name);
      }
    });
  }

  private void lineTooLarge() {
    LOG.warn("stdio upstream {} wrote a line over {} bytes; skipped", name, maxLine);
    // stdio does not say which request a line answers, and its id may come after the bound: fail them all now.
    context.runOnContext(v -> inbound.failed(null, BoundedBody.tooLarge(name, maxLine)));
  }

  /** Splits a byte stream into UTF-8 lines of at most {@code max} bytes (LF or CRLF), decoding only whole lines. */
  static final class LineReader {
    private final int max;
    private final java.util.function.Consumer<String> onLine;
    private final Runnable onTooLarge;

    LineReader(int max, java.util.function.Consumer<String> onLine, Runnable onTooLarge) {
      this.max = max;
      this.onLine = onLine;
      this.onTooLarge = onTooLarge;
    }

    void readAll(InputStream in) throws IOException {
      byte[] chunk = new byte[64 * 1024];
      var line = new java.io.ByteArrayOutputStream();
      boolean skipping = false;
      int n;
      while ((n = in.read(chunk)) >= 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          if (!skipping) {
            if (line.size() + (i - start) > max) {
              onTooLarge.run();
            } else {
              line.write(chunk, start, i - start);
              emit(line);
            }
          }
          line.reset();
          skipping = false;
          start = i + 1;
        }
        if (!skipping && start < n) {
          if (line.size() + (n - start) > max) {
            skipping = true;
            line.reset();
            onTooLarge.run();
          } else {
            line.write(chunk, start, n - start);
          }
        }
      }
    }

    private void emit(java.io.ByteArrayOutputStream line) {
      byte[] bytes = line.toByteArray();
      int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      onLine.accept(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
  }

  private void readStderr() {
    try (InputStream err = process.getErrorStream()) {
      new LineReader(64 * 1024, line -> LOG.info("[{} stderr] {}", name, line.length() > 500 ? line.substring(0, 500) + "..." : line),
          () -> LOG.info("[{} stderr] (a line over 64 KiB, skipped)", name)).readAll(err);
    } catch (IOException ignored) {
      // the process ended
    }
  }

  @Override
  Future<Void> send(JsonObject message) {
    if (writer == null || closing) {
      return Future.failedFuture(new IOException("process is not running"));
    }
    byte[] line = (message.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    Promise<Void> written = Promise.promise();
    writer.execute(() -> {
      try {
        stdin.write(line);
        stdin.flush();
        context.runOnContext(v -> written.complete());
      } catch (IOException e) {
        context.runOnContext(v -> written.fail(e));
      }
    });
    return written.future();
  }

  @Override
  Future<Void> close() {
    closing = true;
    Process p = process;
    if (p == null) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      try {
        p.getOutputStream().close();
      } catch (IOException ignored) {
        // already gone
      }
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      if (writer != null) {
        writer.shutdownNow();
      }
      return null;
    });
  }

  @Override
  String describe() {
    return "stdio " + command;
  }

  private static Thread daemon(Runnable r, String threadName) {
    Thread t = new Thread(r, threadName);
    t.setDaemon(true);
    return t;
  }
}
