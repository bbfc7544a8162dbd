package io.mcpgateway.model.db;

/**
 * PostgreSQL's {@code text} cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"). Text we
 * store on behalf of others (upstream error messages, tool names) is cleaned with {@link #clean}; text a
 * caller sends us is refused with {@link #hasNul} so they learn what was wrong.
 */
public final class PgText {
  private PgText() {}

  /** {@code s} with every NUL replaced by U+FFFD (the replacement character); null stays null. */
  public static String clean(String s) {
    return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
  }

  public static boolean hasNul(String s) {
    return s != null && s.indexOf('\u0000') >= 0;
  }
}
