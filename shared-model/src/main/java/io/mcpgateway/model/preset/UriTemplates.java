package io.mcpgateway.model.preset;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Matching a URI against an RFC 6570 URI template, as MCP resource templates use them. */
public final class UriTemplates {
  private static final Pattern EXPRESSION = Pattern.compile("\\{([^}]*)\\}");

  private UriTemplates() {}

  public static boolean isTemplate(String text) {
    return text != null && EXPRESSION.matcher(text).find();
  }

  /** A matcher for the template: a simple expression ({@code {id}}) matches one path segment, one with an operator anything. */
  public static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher m = EXPRESSION.matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start())));
      String expr = m.group(1);
      boolean simple = !expr.isEmpty() && (Character.isLetterOrDigit(expr.charAt(0)) || expr.charAt(0) == '_');
      regex.append(simple ? "[^/?#]+" : ".*");
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    return Pattern.compile(regex.toString());
  }

  public static boolean matches(String template, String uri) {
    return uri != null && pattern(template).matcher(uri).matches();
  }
}
