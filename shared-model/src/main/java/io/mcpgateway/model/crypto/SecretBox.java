package io.mcpgateway.model.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals small secrets (upstream headers and environment) with AES-256-GCM under the node's secret key.
 * Layout: one version byte, a 12-byte random nonce, then ciphertext and tag. The associated data binds a
 * sealed value to its row, so a value copied onto another row does not open.
 */
public final class SecretBox {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("secret key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  public static SecretBox fromBase64(String base64) {
    return new SecretBox(Base64.getDecoder().decode(base64));
  }

  public static String generateKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /**
   * A box under a key derived from this one for another purpose (HMAC-SHA256 of the purpose), so values
   * sealed for one use (session tokens, say) never open as another's (upstream secrets).
   */
  public SecretBox derive(String purpose) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return new SecretBox(mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  public byte[] seal(byte[] plain, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** Opens a sealed value; fails when the key is wrong or the value was altered or moved. */
  public byte[] open(byte[] sealed, byte[] associatedData) {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new SecretBoxException("sealed value has an unknown format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new SecretBoxException("sealed value does not open with this key (was MGW_SECRET_KEY changed?)");
    }
  }

  /**
   * {@link #seal} as text a URL, header or JSON string carries unchanged (Base64url, no padding): session ids, task
   * ids, {@code requestState}.
   */
  public String sealToken(byte[] plain, byte[] associatedData) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(seal(plain, associatedData));
  }

  /** Opens a {@link #sealToken} text; fails ({@code IllegalArgumentException}) on anything else or an altered one. */
  public byte[] openToken(String token, byte[] associatedData) {
    return open(Base64.getUrlDecoder().decode(token), associatedData);
  }

  public static final class SecretBoxException extends RuntimeException {
    SecretBoxException(String message) {
      super(message, null, false, false);
    }
  }
}
