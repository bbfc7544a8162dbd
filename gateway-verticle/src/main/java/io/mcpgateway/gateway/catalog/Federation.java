package io.mcpgateway.gateway.catalog;

import io.mcpgateway.model.preset.PresetServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one naming rule of a preset for tools, prompts, resources and resource templates (docs/endpoint.md
 * §Federation). An item keeps its original name (or URI) when no other linked server offers the same one; when
 * two or more do, every one of them is exposed under a server-qualified name, so no claimant is favoured and
 * a name never moves from one server to another when a server adds an item: the plain name disappears instead
 * (and the client is told the list changed). A qualified name that is itself claimed twice is exposed for no
 * one. The result depends only on the inputs, so every node and every request agrees.
 */
final class Federation {
  /** The longest name the specification allows for tools and prompts (server/tools §Tool Names). */
  static final int MAX_NAME = 128;
  /** The separator of {@code {serverSlug}__{name}}. */
  static final String SEPARATOR = "__";
  /** Wraps a clashing URI reversibly: {@code mcpgw://{serverSlug}/{original URI}}. */
  static final String URI_SCHEME = "mcpgw://";

  /** An item a linked server offers, under its original name or URI. */
  record Claim(PresetServer link, String original, JsonObject definition) {}

  /** A claim as exposed. */
  record Exposed(String name, Claim claim) {}

  record Outcome(List<Exposed> exposed, List<ToolCatalog.Note> notes) {}

  /** How a clashing item is qualified by its server. */
  interface Qualifier {
    String qualify(String serverSlug, String original);
  }

  /** {@code {serverSlug}__{name}}, shortened with a hash of the original to stay within 128 characters. */
  static final Qualifier NAMES = (slug, original) -> {
    String name = slug + SEPARATOR + original;
    if (name.length() <= MAX_NAME) {
      return name;
    }
    String hash = "~" + sha256(original).substring(0, 8);
    return name.substring(0, MAX_NAME - hash.length()) + hash;
  };

  /** {@code mcpgw://{serverSlug}/{original}}: the original is kept verbatim after the slug, so it is recoverable. */
  static final Qualifier URIS = (slug, original) -> URI_SCHEME + slug + "/" + original;

  private Federation() {}

  static Outcome expose(List<Claim> claims, Qualifier qualifier, String kind) {
    Map<String, Integer> byOriginal = new LinkedHashMap<>();
    claims.forEach(c -> byOriginal.merge(c.original(), 1, Integer::sum));
    Map<String, List<Claim>> byName = new LinkedHashMap<>();
    for (Claim c : claims) {
      String name = byOriginal.get(c.original()) == 1 ? c.original() : qualifier.qualify(c.link().serverSlug(), c.original());
      byName.computeIfAbsent(name, n -> new ArrayList<>()).add(c);
    }
    List<Exposed> exposed = new ArrayList<>();
    List<ToolCatalog.Note> notes = new ArrayList<>();
    for (var entry : byName.entrySet()) {
      String name = entry.getKey();
      List<Claim> claimants = entry.getValue();
      if (claimants.size() > 1) {
        for (Claim c : claimants) {
          notes.add(new ToolCatalog.Note(null, c.original(), c.link().serverSlug(), "hidden: the " + kind + " name \""
              + name + "\" would be exposed for " + claimants.size() + " servers of this preset"));
        }
        continue;
      }
      Claim c = claimants.get(0);
      if (!name.equals(c.original())) {
        notes.add(new ToolCatalog.Note(name, c.original(), c.link().serverSlug(), "renamed: another server of this preset"
            + " also offers the " + kind + " \"" + c.original() + "\", so each is exposed under its server's name"));
      }
      exposed.add(new Exposed(name, c));
    }
    return new Outcome(exposed, notes);
  }

  /** The server slug and original URI inside a wrapped URI, or null when {@code uri} is not one. */
  static String[] unwrap(String uri) {
    if (uri == null || !uri.startsWith(URI_SCHEME)) {
      return null;
    }
    int slash = uri.indexOf('/', URI_SCHEME.length());
    if (slash <= URI_SCHEME.length() || slash == uri.length() - 1) {
      return null;
    }
    return new String[] {uri.substring(URI_SCHEME.length(), slash), uri.substring(slash + 1)};
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
