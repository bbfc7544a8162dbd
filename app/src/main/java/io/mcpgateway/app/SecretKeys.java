package io.mcpgateway.app;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.crypto.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that seals upstream secrets: {@code MGW_SECRET_KEY} when set; otherwise one generated on first
 * start into {@code MGW_DATA_DIR/secret.key} (owner-only), so a single node needs no set-up. A cluster
 * must share one explicit key.
 */
final class SecretKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SecretKeys.class);

  private SecretKeys() {}

  static SecretBox resolve(GatewayConfig config) {
    if (config.security().secretKey().isPresent()) {
      return SecretBox.fromBase64(config.security().secretKey().get());
    }
    if (config.cluster().enabled()) {
      throw new io.mcpgateway.config.ConfigException(
          "MGW_SECRET_KEY must be set when MGW_CLUSTER=true, so every node opens the same secrets");
    }
    Path file = Path.of(config.database().dataDir()).toAbsolutePath().normalize().resolve("secret.key");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, SecretBox.generateKey() + "\n", StandardCharsets.US_ASCII);
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system; the file stays with default permissions
        }
        LOG.warn("No MGW_SECRET_KEY: generated one into {}; back it up, secrets do not open without it", file);
      }
      return SecretBox.fromBase64(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }
}
