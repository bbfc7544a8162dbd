package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.mcp.modern.ModernFixtureServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP 2025-11-25 tasks through a preset, raw over HTTP, against a real task server (the TypeScript SDK v1's tasks,
 * {@code tasks-fixture.mjs}, which binds each task to the upstream session that created it), with two gateway
 * instances on one port: every request goes on a fresh connection, so consecutive ones land on different instances
 * and each instance reaches tasks made through the other.
 */
class TasksEndToEndTest {
  private static final String RELATED = "io.modelcontextprotocol/related-task";
  private static GatewayHarness gw;
  private static ModernFixtureServer upstream;
  private static Preset preset;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gw = new GatewayHarness("tasks", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000"), 2);
    upstream = ModernFixtureServer.start("tasks-fixture.mjs", "up");
    preset = gw.preset(GatewayHarness.slug("tasks"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("up"), upstream.url(), Map.of()), List.of());
    // The same task server over stdio (tools io_*): each gateway instance runs its own child process.
    gw.link(preset, gw.stdioServer(GatewayHarness.slug("io"), ModernFixtureServer.stdioCommand("tasks-fixture.mjs", "io"),
        Map.of()), List.of());
    http = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.close();
  }

  private static JsonObject request(Object id, String method, JsonObject params) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method).put("params", params);
  }

  private static JsonObject slowTask(int id, int ms, String text) {
    return request(id, "tools/call", new JsonObject().put("name", "up_slow")
        .put("arguments", new JsonObject().put("ms", ms).put("text", text)).put("task", new JsonObject().put("ttl", 60000)));
  }

  /**
   * POSTs on a fresh connection; the JSON-RPC response with the request's id (from a JSON body or an SSE stream).
   * {@code onMessage} sees every other message of an SSE stream and may answer it (returns the answer to POST).
   */
  private static JsonObject post(String session, JsonObject message, Function<JsonObject, JsonObject> onMessage) {
    return post(null, session, message, onMessage);
  }

  private static JsonObject post(String bearer, String session, JsonObject message, Function<JsonObject, JsonObject> onMessage) {
    Promise<JsonObject> answer = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
        .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Content-Type", "application/json");
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    if (session != null) {
      options.putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25");
    }
    Object id = message.getValue("id");
    http.request(options).compose(r -> r.send(message.toBuffer())).onSuccess(resp -> {
      if (session == null) {
        answer.tryComplete(new JsonObject().put("session", resp.getHeader("Mcp-Session-Id")));
      }
      StringBuilder pending = new StringBuilder();
      boolean sse = String.valueOf(resp.getHeader("Content-Type")).startsWith("text/event-stream");
      Buffer whole = Buffer.buffer();
      resp.handler(chunk -> {
        if (!sse) {
          whole.appendBuffer(chunk);
          return;
        }
        pending.append(chunk.toString());
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
          String event = pending.substring(0, end);
          pending.delete(0, end + 2);
          for (String line : event.split("\n")) {
            if (line.startsWith("data:") && line.length() > 5) {
              JsonObject m = new JsonObject(line.substring(5).trim());
              if (!m.containsKey("method") && String.valueOf(id).equals(String.valueOf(m.getValue("id")))) {
                answer.tryComplete(m);
              } else if (onMessage != null) {
                JsonObject reply = onMessage.apply(m);
                if (reply != null) {
                  post(bearer, session, reply, null);
                }
              }
            }
          }
        }
      });
      resp.endHandler(v -> {
        if (!sse && whole.length() > 0) {
          answer.tryComplete(new JsonObject(whole));
        }
        if (id == null || !message.containsKey("method")) {
          answer.tryComplete(new JsonObject().put("status", resp.statusCode())); // a notification or a response: 202
        }
        answer.tryFail("the stream ended without the response to " + id);
      });
    }).onFailure(answer::tryFail);
    return answer.future().timeout(20, TimeUnit.SECONDS).await();
  }

  private static JsonObject rpc(String session, JsonObject message) {
    return post(session, message, null);
  }

  private static String initialize(JsonObject capabilities) {
    return initialize(null, capabilities);
  }

  private static String initialize(String bearer, JsonObject capabilities) {
    String session = post(bearer, null, request(1, "initialize", new JsonObject().put("protocolVersion", "2025-11-25")
        .put("capabilities", capabilities).put("clientInfo", new JsonObject().put("name", "raw").put("version", "1"))), null)
        .getString("session");
    assertThat(session).isNotNull();
    post(bearer, session, new JsonObject().put("jsonrpc", "2.0").put("method", "notifications/initialized"), null);
    return session;
  }

  /** An API key of a new principal (valid on the public preset, so the caller is that principal). */
  private static String keyOfNewPrincipal() {
    var principal = new io.mcpgateway.model.access.PrincipalStore().upsert(gw.pool, "https://issuer.test",
        "user-" + java.util.UUID.randomUUID(), null, "User", false).await();
    String key = io.mcpgateway.model.access.ApiKeys.generate();
    new io.mcpgateway.model.access.ApiKeyStore().insert(gw.pool, new io.mcpgateway.model.access.ApiKey(
        java.util.UUID.randomUUID(), principal.id(), "tasks", io.mcpgateway.model.access.ApiKeys.prefix(key).orElseThrow(),
        io.mcpgateway.model.access.ApiKeys.hash(key), List.of(), null, null, null, null)).await();
    return key;
  }

  @Test
  void a_principals_task_is_theirs_in_every_session_and_nobody_elses() {
    String alice = keyOfNewPrincipal();
    String bob = keyOfNewPrincipal();
    String first = initialize(alice, new JsonObject());
    String taskId = result(post(alice, first, slowTask(3, 200, "epsilon"), null)).getJsonObject("task").getString("taskId");
    // tasks §Security Considerations: bound to the authorization context (the principal), not to one session.
    String second = initialize(alice, new JsonObject());
    JsonObject payload = result(post(alice, second, request(4, "tasks/result", new JsonObject().put("taskId", taskId)), null));
    assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("up done: epsilon");
    String bobs = initialize(bob, new JsonObject());
    JsonObject refused = post(bob, bobs, request(5, "tasks/get", new JsonObject().put("taskId", taskId)), null);
    assertThat(refused.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    JsonObject anonymous = taskGet(initialize(new JsonObject()), taskId);
    assertThat(anonymous.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
  }

  private static JsonObject result(JsonObject response) {
    assertThat(response.getJsonObject("error")).as("error in %s", response).isNull();
    return response.getJsonObject("result");
  }

  private static JsonObject taskGet(String session, String taskId) {
    return rpc(session, request(7, "tasks/get", new JsonObject().put("taskId", taskId)));
  }

  /** Polls tasks/get (each on a fresh connection, so on alternating instances) until the task is terminal. */
  private static JsonObject awaitTerminal(String session, String taskId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      JsonObject task = result(taskGet(session, taskId));
      assertThat(task.getString("taskId")).isEqualTo(taskId);
      if (List.of("completed", "failed", "cancelled").contains(task.getString("status"))) {
        return task;
      }
      assertThat(System.nanoTime() - deadline).as("task %s still %s", taskId, task.getString("status")).isNegative();
      try {
        Thread.sleep(task.getInteger("pollInterval", 100)); // tasks §Getting Tasks: requestors respect pollInterval
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void initialize_advertises_the_servers_tasks_without_list_and_tools_keep_their_task_support() {
    JsonObject response = new JsonObject();
    HttpClient client = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    var r = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
            .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json").putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(request(1, "initialize", new JsonObject().put("protocolVersion", "2025-11-25")
            .put("capabilities", new JsonObject())).toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          response.put("body", new JsonObject(b)).put("session", resp.getHeader("Mcp-Session-Id"));
          return resp;
        })).await();
    assertThat(r.statusCode()).as("initialize: %s", response).isEqualTo(200);
    JsonObject init = response.getJsonObject("body").getJsonObject("result");
    String session = response.getString("session");
    assertThat(init.getJsonObject("capabilities").getJsonObject("tasks")).isEqualTo(new JsonObject()
        .put("cancel", new JsonObject()).put("requests", new JsonObject().put("tools", new JsonObject().put("call", new JsonObject()))));

    JsonArray tools = result(rpc(session, request(2, "tools/list", new JsonObject()))).getJsonArray("tools");
    Map<String, Object> support = new java.util.HashMap<>();
    tools.forEach(t -> {
      JsonObject tool = (JsonObject) t;
      support.put(tool.getString("name"), tool.getJsonObject("execution") == null ? "none"
          : tool.getJsonObject("execution").getString("taskSupport"));
    });
    assertThat(support).containsEntry("up_slow", "required").containsEntry("up_maybe", "optional")
        .containsEntry("up_ask", "required").containsKey("up_echo");
  }

  @Test
  void a_task_is_created_polled_and_its_result_fetched_through_either_instance() {
    String session = initialize(new JsonObject());
    JsonObject created = result(rpc(session, slowTask(3, 1500, "alpha")));
    JsonObject task = created.getJsonObject("task");
    assertThat(task.getString("status")).isEqualTo("working");
    String taskId = task.getString("taskId");
    assertThat(taskId).hasSizeGreaterThan(40);

    // Several polls on fresh connections alternate over the two instances; the task lives in the upstream session
    // of the instance that created it, which the fixture checks (another session's tasks/get is -32602 there).
    for (int i = 0; i < 3; i++) {
      JsonObject polled = result(taskGet(session, taskId));
      assertThat(polled.getString("taskId")).isEqualTo(taskId);
      assertThat(polled.getString("status")).isIn("working", "completed");
    }
    assertThat(awaitTerminal(session, taskId).getString("status")).isEqualTo("completed");
    for (int i = 0; i < 2; i++) {
      JsonObject payload = result(rpc(session, request(8, "tasks/result", new JsonObject().put("taskId", taskId))));
      assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("up done: alpha");
      assertThat(payload.getJsonObject("_meta").getJsonObject(RELATED).getString("taskId")).isEqualTo(taskId);
    }
  }

  @Test
  void a_stdio_servers_task_lives_in_one_instances_process_and_is_reached_from_the_other() {
    String session = initialize(new JsonObject());
    JsonObject created = result(rpc(session, request(3, "tools/call", new JsonObject().put("name", "io_slow")
        .put("arguments", new JsonObject().put("ms", 1500).put("text", "piped")).put("task", new JsonObject()))));
    String taskId = created.getJsonObject("task").getString("taskId");
    // Polls alternate over the instances; the one that did not create the task forwards to the one that did.
    for (int i = 0; i < 3; i++) {
      assertThat(result(taskGet(session, taskId)).getString("status")).isIn("working", "completed");
    }
    assertThat(awaitTerminal(session, taskId).getString("status")).isEqualTo("completed");
    for (int i = 0; i < 2; i++) {
      JsonObject payload = result(rpc(session, request(8, "tasks/result", new JsonObject().put("taskId", taskId))));
      assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("io done: piped");
      assertThat(payload.getJsonObject("_meta").getJsonObject(RELATED).getString("taskId")).isEqualTo(taskId);
    }
    String longer = result(rpc(session, request(9, "tools/call", new JsonObject().put("name", "io_slow")
        .put("arguments", new JsonObject().put("ms", 60000).put("text", "stop")).put("task", new JsonObject()))))
        .getJsonObject("task").getString("taskId");
    rpc(session, request(10, "tools/list", new JsonObject())); // the next request lands on the other instance
    assertThat(result(rpc(session, request(11, "tasks/cancel", new JsonObject().put("taskId", longer))))
        .getString("status")).isEqualTo("cancelled");
    for (int i = 0; i < 2; i++) {
      assertThat(result(taskGet(session, longer)).getString("status")).isEqualTo("cancelled");
    }
  }

  @Test
  void tasks_result_waits_for_the_task_to_finish() {
    String session = initialize(new JsonObject());
    String taskId = result(rpc(session, slowTask(3, 1500, "beta"))).getJsonObject("task").getString("taskId");
    JsonObject payload = result(rpc(session, request(4, "tasks/result", new JsonObject().put("taskId", taskId))));
    assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("up done: beta");
    assertThat(result(taskGet(session, taskId)).getString("status")).isEqualTo("completed");
  }

  @Test
  void a_cancelled_task_stays_cancelled_and_cannot_be_cancelled_twice() {
    String session = initialize(new JsonObject());
    String taskId = result(rpc(session, slowTask(3, 60000, "gamma"))).getJsonObject("task").getString("taskId");
    JsonObject cancelled = result(rpc(session, request(4, "tasks/cancel", new JsonObject().put("taskId", taskId))));
    assertThat(cancelled.getString("taskId")).isEqualTo(taskId);
    assertThat(cancelled.getString("status")).isEqualTo("cancelled");
    assertThat(result(taskGet(session, taskId)).getString("status")).isEqualTo("cancelled");
    JsonObject again = rpc(session, request(5, "tasks/cancel", new JsonObject().put("taskId", taskId)));
    assertThat(again.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(again.getJsonObject("error").getString("message")).contains("terminal status");
  }

  @Test
  void a_failed_task_reports_failed_and_its_result_is_the_tools_error_result() {
    String session = initialize(new JsonObject());
    String taskId = result(rpc(session, request(3, "tools/call", new JsonObject().put("name", "up_fail")
        .put("arguments", new JsonObject()).put("task", new JsonObject())))).getJsonObject("task").getString("taskId");
    assertThat(awaitTerminal(session, taskId).getString("status")).isEqualTo("failed");
    JsonObject payload = result(rpc(session, request(4, "tasks/result", new JsonObject().put("taskId", taskId))));
    assertThat(payload.getBoolean("isError")).isTrue();
    assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("up failed on purpose");
  }

  @Test
  void another_caller_a_forged_id_a_malformed_task_and_tasks_list_get_errors() {
    String mine = initialize(new JsonObject());
    String taskId = result(rpc(mine, slowTask(3, 200, "delta"))).getJsonObject("task").getString("taskId");
    // Anonymous callers are told apart by their session; the other one may not see, fetch or cancel this task.
    String theirs = initialize(new JsonObject());
    for (String method : List.of("tasks/get", "tasks/result", "tasks/cancel")) {
      JsonObject refused = rpc(theirs, request(4, method, new JsonObject().put("taskId", taskId)));
      assertThat(refused.getJsonObject("error").getInteger("code")).as(method).isEqualTo(-32602);
      assertThat(refused.getJsonObject("error").getString("message")).as(method).contains("Task not found");
    }
    JsonObject forged = taskGet(mine, taskId.substring(0, taskId.length() - 2) + "AA");
    assertThat(forged.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(taskGet(mine, "not-a-task").getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    JsonObject noId = rpc(mine, request(6, "tasks/get", new JsonObject()));
    assertThat(noId.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    for (Object bad : List.of("soon", new JsonObject().put("ttl", "long"))) {
      JsonObject refused = rpc(mine, request(8, "tools/call", new JsonObject().put("name", "up_slow")
          .put("arguments", new JsonObject().put("ms", 1).put("text", "x")).put("task", bad)));
      assertThat(refused.getJsonObject("error").getInteger("code")).as("task %s", bad).isEqualTo(-32602);
    }
    JsonObject list = rpc(mine, request(9, "tasks/list", new JsonObject()));
    assertThat(list.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    assertThat(result(taskGet(mine, taskId)).getString("taskId")).as("the owner still sees it").isEqualTo(taskId);
  }

  @Test
  void an_optional_tool_runs_normally_without_task_and_a_required_one_is_refused_by_the_server() {
    String session = initialize(new JsonObject());
    JsonObject plain = result(rpc(session, request(3, "tools/call", new JsonObject().put("name", "up_maybe")
        .put("arguments", new JsonObject().put("text", "now")))));
    assertThat(plain.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("up maybe: now");
    // The SDK answers a required tool called without task with an isError result (tools §Error Handling); relayed.
    JsonObject required = result(rpc(session, request(4, "tools/call", new JsonObject().put("name", "up_slow")
        .put("arguments", new JsonObject().put("ms", 1).put("text", "x")))));
    assertThat(required.getBoolean("isError")).isTrue();
    assertThat(required.getJsonArray("content").getJsonObject(0).getString("text")).contains("requires task augmentation");
  }

  @Test
  void an_elicitation_for_an_input_required_task_reaches_the_caller_on_tasks_result_and_its_answer_goes_back() {
    String session = initialize(new JsonObject().put("elicitation", new JsonObject().put("form", new JsonObject())));
    String taskId = result(rpc(session, request(3, "tools/call", new JsonObject().put("name", "up_ask")
        .put("arguments", new JsonObject().put("what", "launch")).put("task", new JsonObject()))))
        .getJsonObject("task").getString("taskId");
    // tasks §Input Required Status: a poll sees input_required, then the client calls tasks/result.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int polls = 0;
    do {
      polls++;
      assertThat(System.nanoTime() - deadline).as("input_required").isNegative();
    } while (!"input_required".equals(result(taskGet(session, taskId)).getString("status")));
    // Fresh connections alternate over the two instances: with an even number of requests between them, tasks/result
    // lands on the other instance than the tools/call that created the task (and its caller's own upstream session).
    if (polls % 2 == 1) {
      rpc(session, request(30, "ping", new JsonObject()));
    }
    List<JsonObject> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    JsonObject payload = result(post(session, request(4, "tasks/result", new JsonObject().put("taskId", taskId)), m -> {
      if (!"elicitation/create".equals(m.getString("method"))) {
        return null;
      }
      asked.add(m);
      return new JsonObject().put("jsonrpc", "2.0").put("id", m.getValue("id"))
          .put("result", new JsonObject().put("action", "accept").put("content", new JsonObject().put("ok", true)));
    }));
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).getJsonObject("params").getJsonObject("_meta").getJsonObject(RELATED).getString("taskId"))
        .as("the elicitation names the task by the caller's id").isEqualTo(taskId);
    assertThat(payload.getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("confirm launch: accept {\"ok\":true}");
  }

  @Test
  void the_typescript_sdk_clients_task_flow_works_through_the_preset() throws Exception {
    var dir = io.mcpgateway.testing.mcp.modern.NodePackages.dir();
    Process p = new ProcessBuilder(io.mcpgateway.testing.mcp.modern.NodePackages.node(dir).toString(),
        io.mcpgateway.testing.mcp.modern.NodePackages.script("tasks-client.mjs").toString(), gw.base() + "/mcp/" + preset.slug())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Map<String, JsonObject> lines = new java.util.HashMap<>();
    out.lines().filter(l -> l.startsWith("{")).map(JsonObject::new).forEach(l -> lines.put(
        l.containsKey("step") ? l.getString("step") : l.fieldNames().iterator().next(), l));
    assertThat(lines).as(out).containsKeys("capabilities", "tools", "slow", "ask", "cancel");
    assertThat(lines.get("capabilities").getJsonObject("capabilities").getJsonObject("tasks")
        .getJsonObject("requests").getJsonObject("tools").containsKey("call")).isTrue();
    assertThat(lines.get("tools").getJsonObject("tools").getString("up_slow")).isEqualTo("required");
    JsonObject slow = lines.get("slow");
    assertThat(slow.getString("error")).as(out).isNull();
    assertThat(slow.getJsonArray("types").getList()).as(out).contains("taskCreated", "result");
    assertThat(slow.getString("text")).isEqualTo("up done: sdk");
    assertThat(slow.getString("status")).isEqualTo("completed");
    JsonObject ask = lines.get("ask");
    assertThat(ask.getString("error")).as(out).isNull();
    assertThat(ask.getString("text")).as("the SDK answered the task's elicitation").isEqualTo("confirm deploy: accept {\"ok\":true}");
    assertThat(lines.get("cancel").getString("status")).as(out).isEqualTo("cancelled");
  }

  @Test
  void a_2026_client_sees_no_tasks() {
    JsonObject meta = new JsonObject().put("io.modelcontextprotocol/protocolVersion", "2026-07-28")
        .put("io.modelcontextprotocol/clientInfo", new JsonObject().put("name", "raw").put("version", "1"))
        .put("io.modelcontextprotocol/clientCapabilities", new JsonObject());
    Function<JsonObject, JsonObject> modern = message -> {
      HttpClient client = gw.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
              .setURI("/mcp/" + preset.slug()).putHeader("Accept", "application/json, text/event-stream")
              .putHeader("Content-Type", "application/json").putHeader("MCP-Protocol-Version", "2026-07-28")
              .putHeader("Mcp-Method", message.getString("method")))
          .compose(req -> req.send(message.toBuffer())).compose(resp -> resp.body()).map(JsonObject::new).await();
    };
    JsonObject discovered = modern.apply(request(1, "server/discover", new JsonObject().put("_meta", meta)));
    assertThat(discovered.getJsonObject("result").getJsonObject("capabilities").containsKey("tasks")).isFalse();
    JsonArray tools = modern.apply(request(2, "tools/list", new JsonObject().put("_meta", meta)))
        .getJsonObject("result").getJsonArray("tools");
    List<String> names = tools.stream().map(t -> ((JsonObject) t).getString("name")).toList();
    assertThat(names).contains("up_echo", "up_maybe").doesNotContain("up_slow", "up_ask", "up_fail");
    assertThat(tools.stream().map(t -> (JsonObject) t).filter(t -> t.getString("name").equals("up_maybe")).findFirst()
        .orElseThrow().containsKey("execution")).isFalse();
    JsonObject get = modern.apply(request(3, "tasks/get", new JsonObject().put("_meta", meta).put("taskId", "x")));
    assertThat(get.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
  }
}
