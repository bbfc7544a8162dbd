package io.mcpgateway.gateway;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The modern era's per-request protocol fields ({@code _meta} keys, MCP 2026-07-28 basic §_meta) and the
 * Streamable HTTP headers that mirror them (transports §Request Metadata), for both directions.
 */
public final class RequestMeta {
  public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
  public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
  public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
  public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
  public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

  /** 2026-07-28 basic §Error Codes. */
  public static final int HEADER_MISMATCH = -32020;
  public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
  public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

  private static final String SENTINEL_START = "=?base64?";
  private static final String SENTINEL_END = "?=";

  private RequestMeta() {}

  /** The body value {@code Mcp-Name} mirrors: params.name (tools/call, prompts/get) or params.uri (resources/read). */
  public static String nameFor(String method, JsonObject params) {
    if (params == null) {
      return null;
    }
    return switch (method) {
      case "tools/call", "prompts/get" -> params.getValue("name") instanceof String s ? s : null;
      case "resources/read" -> params.getValue("uri") instanceof String s ? s : null;
      default -> null;
    };
  }

  public static boolean needsName(String method) {
    return "tools/call".equals(method) || "prompts/get".equals(method) || "resources/read".equals(method);
  }

  /** A header value for {@code value}: as is when plain visible ASCII, else the Base64 sentinel (§Value Encoding). */
  public static String encodeHeader(String value) {
    boolean plain = !value.isEmpty() && value.charAt(0) != ' ' && value.charAt(value.length() - 1) != ' '
        && !(value.startsWith(SENTINEL_START) && value.endsWith(SENTINEL_END));
    for (int i = 0; plain && i < value.length(); i++) {
      char c = value.charAt(i);
      plain = c >= 0x20 && c <= 0x7e;
    }
    return plain ? value : SENTINEL_START + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
        + SENTINEL_END;
  }

  /** The decoded header value, or null when it is malformed (bad Base64, control characters). */
  public static String decodeHeader(String header) {
    if (header == null) {
      return null;
    }
    if (header.startsWith(SENTINEL_START) && header.endsWith(SENTINEL_END)
        && header.length() >= SENTINEL_START.length() + SENTINEL_END.length()) {
      try {
        return new String(Base64.getDecoder().decode(header.substring(SENTINEL_START.length(),
            header.length() - SENTINEL_END.length())), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return null;
      }
    }
    return header;
  }

  /** The request's {@code params._meta}, or null. */
  public static JsonObject of(JsonObject params) {
    return params != null && params.getValue("_meta") instanceof JsonObject m ? m : null;
  }

  /** The gateway's {@code clientInfo} / {@code serverInfo}. */
  public static JsonObject implementation(String name) {
    return new JsonObject().put("name", name).put("version", "0.1.0");
  }
}
