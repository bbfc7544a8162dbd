package io.mcpgateway.app;

import io.mcpgateway.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mcp-gateway.jar [--role gateway,management,metrics]}: loads configuration, starts or
 * connects to PostgreSQL, migrates the schema and deploys the verticles of this node's roles. Exit code 2
 * for bad configuration or arguments, 1 for a failed start.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    JsonObject overrides;
    try {
      overrides = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("mcp-gateway: " + e.getMessage());
      System.err.println("usage: java -jar mcp-gateway.jar [--role gateway,management,metrics]");
      System.exit(2);
      return;
    }
    Node node;
    try {
      node = Node.start(overrides);
    } catch (ConfigException e) {
      System.err.println("mcp-gateway: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: a class missing from the jar (NoClassDefFoundError) must end the process with exit code 1,
      // not leave a half-started JVM behind that never becomes ready.
      LOG.error("mcp-gateway failed to start: {}", e.toString(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "mgw-shutdown"));
  }

  static JsonObject parseArgs(String[] args) {
    var overrides = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--role=")) {
        overrides.put("MGW_ROLES", a.substring("--role=".length()));
      } else if (a.equals("--role") && i + 1 < args.length) {
        overrides.put("MGW_ROLES", args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument \"" + a + "\"");
      }
    }
    return overrides;
  }
}
