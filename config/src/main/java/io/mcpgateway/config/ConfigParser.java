package io.mcpgateway.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the merged key/value view (defaults, environment, system properties) into a {@link GatewayConfig}.
 * Every rejection names the variable, what it accepts and what it got.
 */
public final class ConfigParser {
  static final int MIN_ADMIN_KEY_LENGTH = 32;
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private final JsonObject raw;

  private ConfigParser(JsonObject raw) {
    this.raw = raw;
  }

  public static GatewayConfig parse(JsonObject raw) {
    return new ConfigParser(raw).parse();
  }

  private GatewayConfig parse() {
    int port = integer("MGW_HTTP_PORT", 0, 65535);
    URI publicUrl = url("MGW_PUBLIC_URL", Set.of("http", "https"))
        .orElse(URI.create("http://localhost:" + port));
    var http = new GatewayConfig.Http(
        text("MGW_HTTP_HOST", "0.0.0.0"),
        port,
        text("MGW_MANAGEMENT_HOST", "127.0.0.1"),
        integer("MGW_MANAGEMENT_PORT", 0, 65535),
        text("MGW_METRICS_HOST", "127.0.0.1"),
        integer("MGW_METRICS_PORT", 0, 65535),
        stripTrailingSlash(publicUrl),
        longValue("MGW_BODY_LIMIT", 1024, 256L * 1024 * 1024),
        list("MGW_ALLOWED_ORIGINS"),
        new GatewayConfig.Connections(
            duration("MGW_HTTP_HEADER_TIMEOUT"),
            duration("MGW_HTTP_IDLE_TIMEOUT"),
            duration("MGW_HTTP_BODY_TIMEOUT"),
            integer("MGW_HTTP_MAX_CONNECTIONS", 1, 1_000_000)));
    var database = new GatewayConfig.Database(
        url("MGW_PG_URL", Set.of("postgresql", "postgres")),
        identifier("MGW_PG_SCHEMA"),
        integer("MGW_PG_POOL_SIZE", 1, 1000),
        text("MGW_DATA_DIR", "./data"),
        duration("MGW_DB_TIMEOUT"));
    var security = new GatewayConfig.Security(
        secretKey(),
        adminApiKey(),
        url("MGW_OAUTH_ISSUER", Set.of("http", "https")),
        list("MGW_PRIVATE_NETWORK_ALLOWLIST"),
        new GatewayConfig.OAuth(
            url("MGW_OAUTH_AUDIENCE", Set.of("http", "https", "api")).map(u -> stripTrailingSlash(u).toString())
                .orElse(stripTrailingSlash(publicUrl).toString()),
            scopes("MGW_OAUTH_SCOPES"),
            scopes("MGW_OAUTH_MANAGEMENT_SCOPES"),
            text("MGW_OAUTH_ADMIN_CLAIM", "roles"),
            optionalText("MGW_OAUTH_ADMIN_VALUE"),
            duration("MGW_OAUTH_CLOCK_SKEW"),
            optionalText("MGW_CONSOLE_OAUTH_CLIENT_ID")));
    var cluster = new GatewayConfig.Cluster(
        bool("MGW_CLUSTER"),
        text("MGW_CLUSTER_HOST", ""),
        integer("MGW_CLUSTER_PORT", 1, 65535),
        list("MGW_CLUSTER_MEMBERS"),
        text("MGW_CLUSTER_KUBERNETES_SERVICE_DNS", ""));
    var upstream = new GatewayConfig.Upstream(duration("MGW_TOOL_CALL_TIMEOUT"), duration("MGW_CATALOG_TIMEOUT"),
        longValue("MGW_UPSTREAM_MAX_MESSAGE", 64 * 1024, 256L * 1024 * 1024), duration("MGW_UPSTREAM_SSE_RETRY_FLOOR"),
        integer("MGW_UPSTREAM_MAX_SUBSCRIPTIONS", 1, 1_000_000), readableFile("MGW_UPSTREAM_CA_FILE"));
    return new GatewayConfig(
        http,
        database,
        url("MGW_REDIS_URL", Set.of("redis", "rediss", "unix")),
        security,
        roles(),
        cluster,
        upstream,
        duration("MGW_SESSION_IDLE_TIMEOUT"),
        integer("MGW_RATE_LIMIT_PER_MINUTE", 1, 1_000_000),
        list("MGW_TRUSTED_PROXIES"),
        integer("MGW_METRICS_RETENTION_DAYS", 1, 3650),
        duration("MGW_SHUTDOWN_GRACE"),
        scale(),
        new GatewayConfig.CallerLimits(
            integer("MGW_SESSIONS_PER_CALLER", 1, 1_000_000),
            integer("MGW_SESSIONS_PER_NODE", 1, 10_000_000),
            integer("MGW_BATCH_MAX", 1, 10_000),
            duration("MGW_STALE_CONFIG_FOR"),
            integer("MGW_LOOKUP_FAILURES_PER_MINUTE", 1, 1_000_000)));
  }

  private GatewayConfig.Scale scale() {
    int instances = integer("MGW_GATEWAY_INSTANCES", 0, 256);
    Duration maxAge = duration("MGW_SESSION_MAX_AGE");
    if (maxAge.isZero()) {
      throw invalid("MGW_SESSION_MAX_AGE", "a positive duration", value("MGW_SESSION_MAX_AGE"));
    }
    return new GatewayConfig.Scale(instances == 0 ? Runtime.getRuntime().availableProcessors() : instances, maxAge);
  }

  /** The bootstrap administrator's key must be hard to guess: at least 32 characters (never echoed). */
  private Optional<String> adminApiKey() {
    Optional<String> key = optionalText("MGW_ADMIN_API_KEY");
    key.ifPresent(k -> {
      if (k.length() < MIN_ADMIN_KEY_LENGTH) {
        throw new ConfigException("MGW_ADMIN_API_KEY must be at least " + MIN_ADMIN_KEY_LENGTH + " characters (got "
            + k.length() + "); generate one with: openssl rand -base64 32");
      }
    });
    return key;
  }

  private String value(String key) {
    Object v = raw.getValue(key);
    return v == null ? "" : String.valueOf(v).trim();
  }

  private String text(String key, String fallback) {
    String v = value(key);
    return v.isEmpty() ? fallback : v;
  }

  private Optional<String> optionalText(String key) {
    String v = value(key);
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  private Optional<java.nio.file.Path> readableFile(String key) {
    Optional<String> v = optionalText(key);
    if (v.isPresent() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(v.get()))) {
      throw new ConfigException(key + " must name a readable file (got \"" + v.get() + "\")");
    }
    return v.map(java.nio.file.Path::of);
  }

  private List<String> scopes(String key) {
    return Arrays.stream(value(key).split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
  }

  private List<String> list(String key) {
    return Arrays.stream(value(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private int integer(String key, int min, int max) {
    return (int) longValue(key, min, max);
  }

  private long longValue(String key, long min, long max) {
    String v = value(key);
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    throw invalid(key, "an integer " + min + "-" + max, v);
  }

  private boolean bool(String key) {
    String v = value(key).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off", "" -> false;
      default -> throw invalid(key, "true or false", v);
    };
  }

  private Duration duration(String key) {
    String v = value(key);
    Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      Duration d = switch (unit) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMillis(n);
      };
      if (!d.isZero()) {
        return d;
      }
    }
    throw invalid(key, "a positive duration such as 500ms, 30s, 5m or 1h", v);
  }

  private Optional<URI> url(String key, Set<String> schemes) {
    String v = value(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String accepted = "a URL with scheme " + String.join(" or ", schemes.stream().sorted().toList());
    try {
      URI uri = new URI(v);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      boolean needsHost = !scheme.equals("unix");
      if (!schemes.contains(scheme) || (needsHost && (uri.getHost() == null || uri.getHost().isEmpty()))) {
        throw invalid(key, accepted, redact(v));
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw invalid(key, accepted, redact(v));
    }
  }

  private String identifier(String key) {
    String v = value(key);
    if (!v.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw invalid(key, "a lower-case SQL identifier (a-z, 0-9, _)", v);
    }
    return v;
  }

  private Set<Role> roles() {
    String v = value("MGW_ROLES");
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : v.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw invalid("MGW_ROLES", "a comma-separated list of " + Role.accepted(), v);
      }
    }
    if (roles.isEmpty()) {
      throw invalid("MGW_ROLES", "a comma-separated list of " + Role.accepted(), v);
    }
    return Set.copyOf(roles);
  }

  private Optional<String> secretKey() {
    Optional<String> key = optionalText("MGW_SECRET_KEY");
    key.ifPresent(k -> {
      byte[] bytes;
      try {
        bytes = java.util.Base64.getDecoder().decode(k);
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (bytes.length != 32) {
        // Never echo the secret itself.
        throw new ConfigException("MGW_SECRET_KEY must be the base64 encoding of exactly 32 bytes"
            + " (generate one with: openssl rand -base64 32)");
      }
    });
    return key;
  }

  private static URI stripTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  /** Hides a password in a URL before it is printed. */
  private static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
  }

  private static ConfigException invalid(String key, String accepted, String got) {
    return new ConfigException(key + " must be " + accepted + " (got \"" + got + "\")");
  }
}
