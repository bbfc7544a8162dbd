package io.mcpgateway.model.server;

import io.mcpgateway.model.Validator;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Shape rules for upstream server registrations. Network reachability rules (SSRF) live in management. */
public final class ServerRules {
  public static final int MAX_ARGS = 64;
  public static final int MAX_SECRETS = 32;

  private ServerRules() {}

  public static void validate(String slug, String name, Transport transport, String url, String command,
      List<String> args, UpstreamSecrets secrets) {
    var v = new Validator().slug("slug", slug).text("name", name, 1, 100);
    if (transport == Transport.STDIO) {
      v.check(command != null && !command.isBlank() && command.length() <= 1024, "command",
          "is required for stdio servers (1-1024 characters)");
      v.check(url == null, "url", "must be empty for stdio servers");
      v.check(args == null || args.size() <= MAX_ARGS, "args", "must have at most " + MAX_ARGS + " entries");
    } else if (transport != null) {
      v.check(command == null, "command", "must be empty for " + transport.wire() + " servers");
      v.check(args == null || args.isEmpty(), "args", "must be empty for " + transport.wire() + " servers");
      String problem = httpUrlProblem(url);
      if (problem != null) {
        v.check(false, "url", problem);
      }
    }
    if (secrets != null) {
      v.check(secrets.headers().size() + secrets.env().size() <= MAX_SECRETS, "headers",
          "at most " + MAX_SECRETS + " headers and environment variables in all");
      for (Map.Entry<String, String> h : secrets.headers().entrySet()) {
        v.check(h.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}"), "headers." + h.getKey(),
            "is not a valid HTTP header name");
        v.check(!h.getValue().contains("\r") && !h.getValue().contains("\n"), "headers." + h.getKey(),
            "must not contain line breaks");
      }
      for (String variable : secrets.env().keySet()) {
        v.check(variable.matches("[A-Za-z_][A-Za-z0-9_]{0,127}"), "env." + variable, "is not a valid variable name");
      }
    }
    v.throwIfInvalid();
  }

  /** Returns why {@code url} is not an http(s) URL an upstream can have, or null when it is fine. */
  public static String httpUrlProblem(String url) {
    if (url == null || url.isBlank()) {
      return "is required for HTTP servers";
    }
    if (url.length() > 2048) {
      return "must be at most 2048 characters";
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be an http or https URL (got \"" + url + "\")";
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        return "must name a host (got \"" + url + "\")";
      }
      if (uri.getUserInfo() != null) {
        return "must not carry credentials; put them in headers, which are stored encrypted";
      }
      return null;
    } catch (Exception e) {
      return "is not a valid URL (got \"" + url + "\")";
    }
  }
}
