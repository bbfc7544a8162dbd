package io.mcpgateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads configuration with vertx-config: the defaults YAML shipped in the jar, then environment
 * variables, then system properties (later sources win), and validates it into a {@link GatewayConfig}.
 */
public final class ConfigLoader {
  public static final String DEFAULTS = "mcp-gateway-defaults.yaml";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  public static Future<GatewayConfig> load(Vertx vertx) {
    return loadRaw(vertx, null).map(ConfigLoader::validate);
  }

  /** Loads with {@code overrides} applied last; tests use it to point a node at their own services. */
  public static Future<GatewayConfig> load(Vertx vertx, JsonObject overrides) {
    return loadRaw(vertx, overrides).map(ConfigLoader::validate);
  }

  static Future<JsonObject> loadRaw(Vertx vertx, JsonObject overrides) {
    var options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", DEFAULTS)))
        .addStore(new ConfigStoreOptions().setType("env"))
        .addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("cache", false)));
    if (overrides != null) {
      options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().andThen(ar -> retriever.close());
  }

  private static GatewayConfig validate(JsonObject raw) {
    warnAboutUnknownKeys(raw);
    return ConfigParser.parse(raw);
  }

  private static void warnAboutUnknownKeys(JsonObject raw) {
    Set<String> known = defaultKeys();
    String unknown = raw.fieldNames().stream()
        .filter(k -> k.startsWith("MGW_") && !known.contains(k))
        .sorted()
        .collect(Collectors.joining(", "));
    if (!unknown.isEmpty()) {
      LOG.warn("Ignoring unknown settings (typo?): {}", unknown);
    }
  }

  private static Set<String> defaultKeys() {
    try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        return Set.of();
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return text.lines()
          .map(String::trim)
          .filter(l -> l.startsWith("MGW_") && l.contains(":"))
          .map(l -> l.substring(0, l.indexOf(':')))
          .collect(Collectors.toUnmodifiableSet());
    } catch (java.io.IOException e) {
      return Set.of();
    }
  }

}
