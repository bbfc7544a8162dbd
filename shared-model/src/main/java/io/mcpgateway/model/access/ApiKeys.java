package io.mcpgateway.model.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The API key format: {@code mgw_<8-char id>_<40-char secret>} (base62). The first 12 characters are the
 * visible prefix used to find the stored row; the SHA-256 of the whole key is what is stored and compared,
 * in constant time. Keys carry 238 bits of randomness, so a fast hash is enough.
 */
public final class ApiKeys {
  public static final String SCHEME = "mgw_";
  private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int ID_CHARS = 8;
  private static final int SECRET_CHARS = 40;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key, in full. Show it once; store {@link #prefix} and {@link #hash}. */
  public static String generate() {
    return SCHEME + random(ID_CHARS) + "_" + random(SECRET_CHARS);
  }

  public static boolean looksLikeKey(String token) {
    return token != null && token.startsWith(SCHEME);
  }

  /** The visible, indexable part of a key in the gateway's format, if it has that format. */
  public static Optional<String> prefix(String key) {
    int expected = SCHEME.length() + ID_CHARS + 1 + SECRET_CHARS;
    if (key == null || key.length() != expected || !key.startsWith(SCHEME) || key.charAt(SCHEME.length() + ID_CHARS) != '_') {
      return Optional.empty();
    }
    return Optional.of(key.substring(0, SCHEME.length() + ID_CHARS));
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of a presented key with a stored hash. */
  public static boolean matches(String presented, byte[] storedHash) {
    return MessageDigest.isEqual(hash(presented), storedHash);
  }

  private static String random(int n) {
    var sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
