package io.mcpgateway.model.bus;

/** Event-bus addresses, in one place (ARCHITECTURE.md §6). In cluster mode they span every node. */
public final class Addresses {
  /** publish {@link PresetChanged}: gateways drop cached config and notify sessions. */
  public static final String PRESET_CHANGED = "mgw.preset.changed";
  /** publish {@link ServerChanged}: gateways drop the upstream connection and its catalog. */
  public static final String SERVER_CHANGED = "mgw.server.changed";
  /** publish {@link AccessChanged}: gateways drop cached ACL decisions. */
  public static final String ACCESS_CHANGED = "mgw.access.changed";
  /** publish {@link ApiKeyRevoked}: gateways drop the cached key at once. */
  public static final String API_KEY_REVOKED = "mgw.apikey.revoked";
  /**
   * publish {@code {v, sessionId}}: a 2025-era session ended (DELETE); every gateway instance on every node
   * forgets it, ends its GET stream and calls in flight there, and answers 404 for it from then on.
   */
  public static final String SESSION_ENDED = "mgw.session.ended";
  /**
   * publish {@code {v, sessionId, requestId, reason}}: the client cancelled a request of the session; the
   * instance running that call cancels it upstream.
   */
  public static final String SESSION_CANCEL = "mgw.session.cancel";
  /** publish {@code {v, sessionId, level}}: the session's {@code logging/setLevel}, applied where its calls run. */
  public static final String SESSION_LOG_LEVEL = "mgw.session.level";
  /** publish {@code {v, sessionId, message}}: a server message for the session's GET stream, wherever it is open. */
  public static final String SESSION_MESSAGE = "mgw.session.message";
  /**
   * Publish {@code {v, sessionId, response}}: a client's JSON-RPC response to a request the gateway sent it for an
   * upstream (sampling, elicitation, roots), POSTed to an instance that is not the one waiting for it.
   */
  public static final String SESSION_ANSWER = "mgw.session.answer";
  /**
   * Publish {@code {v, sessionId, uri, subscribed, at, seq, holder}}: the instance {@code holder} took
   * ({@code subscribed} true) or gave up a session's {@code resources/subscribe} to {@code uri} at the stamp
   * ({@code at} wall-clock ms, {@code seq}, {@code holder}); every other instance holding an older subscription of
   * that session to that URI drops it (and its upstream subscription when no other session needs it).
   */
  public static final String SESSION_SUBSCRIPTION = "mgw.session.subscription";
  /**
   * Prefix of each gateway instance's own address (+ its instance id): request {@code {v, op: "resume", state,
   * caller, inputResponses, meta, messages}} → {@code {result} | {error} | {failure, message}}: a 2026-07-28 retry of
   * a call held there (a 2025-era upstream waiting for the caller's input) that landed on another instance or node;
   * send {@code {v, op: "cancel", messages, reason}}: the retry's stream closed there.
   */
  public static final String HELD_CALLS = "mgw.held.";
  /** Prefix of a forwarded retry's reply address: the held call's progress and log messages for that retry. */
  public static final String HELD_CALL_MESSAGES = "mgw.held.messages.";
  /**
   * Prefix of one gateway instance's address for the task requests of tasks it created on a server without session
   * ids (stdio: the task lives in that instance's child process): {@code {v, server, method, taskId}} (the server's
   * own task id) → {@code {result}}, {@code {error}} (the server's JSON-RPC error) or {@code {failure, message}}.
   */
  public static final String TASKS = "mgw.tasks.";
  /**
   * Prefix; + an instance tag: request {@code {v, sessionId, kind, stream, after, resumer, first, waitMs}} →
   * {@code {status, events, last, finished}}: a resumption GET (Last-Event-ID) reached another instance than the one
   * that wrote the stream; that one answers with the events after {@code after} (docs/endpoint.md, "Resumable SSE").
   */
  public static final String SESSION_REPLAY = "mgw.session.replay.";
  /** send {@link ToolCallBatch} (or one {@link ToolCallRecorded} as JSON): the metrics verticle stores the calls. */
  public static final String TOOL_CALL_RECORDED = "mgw.metrics.toolcall";

  /**
   * request {@code {v, serverId}} → {@code {tools: [<MCP Tool objects as the upstream listed them>]}}:
   * a gateway node lists the upstream's live tools (management's {@code GET /servers/{id}/tools}).
   */
  public static final String SERVER_TOOLS = "mgw.server.tools";
  /**
   * request {@code {v, serverId}} → {@code {prompts: [...], resources: [...], resourceTemplates: [...]}} (MCP
   * Prompt, Resource and ResourceTemplate objects as the upstream listed them; a list it does not offer is empty):
   * a gateway node lists them live (management's {@code GET /servers/{id}/prompts} and {@code /resources}).
   */
  public static final String SERVER_FEATURES = "mgw.server.features";
  /**
   * request {@code {v, serverId}} → {@code {serverId, circuit: "closed"|"open"|"half_open", openInstances,
   * halfOpenInstances}}: the worst breaker state of the upstream over the answering node's gateway instances (each
   * has its own pool and breakers; "closed" when none has an open or half-open one, e.g. a server not used yet).
   */
  public static final String SERVER_STATUS = "mgw.server.status";
  /**
   * request {@code {v, presetId}} → {@code {tools: [{name, originalName, serverId, serverSlug, description}],
   * notes: [{name, reason}], unavailable: [{serverId, serverSlug, error}]}}: the exposed catalog of a preset
   * with collision notes (management's {@code GET /presets/{id}/tools}).
   */
  public static final String PRESET_TOOLS = "mgw.preset.tools";
  /**
   * request {@code {v, presetId}} → {@code {prompts, resources, resourceTemplates, notes: {prompts, resources,
   * resourceTemplates}, unavailable}}: what a preset exposes besides tools, each item the upstream's object under
   * its exposed name or URI plus {@code originalName} / {@code originalUri} / {@code originalUriTemplate},
   * {@code serverId} and {@code serverSlug}; notes as for tools (management's {@code GET /presets/{id}/prompts}
   * and {@code /resources}).
   */
  public static final String PRESET_FEATURES = "mgw.preset.features";
  /**
   * Usage statistics of one preset (management's {@code GET /api/v1/presets/{id}/stats}, which forwards its
   * query parameters as strings and relays the reply). Request {@code {v, presetId, from?, to?, bucket?}}:
   * ISO-8601 UTC instants; absent {@code to} = now, absent {@code from} = 24 h before {@code to}; {@code bucket}
   * {@code minute} (window up to 7 days), {@code hour} (up to 92 days, the default) or {@code day} (up to 366
   * days). Bad parameters fail with {@code ErrorCode.INVALID_INPUT.busCode()} and a message naming the
   * problem; a database failure with {@code UNAVAILABLE}. Reply:
   * <pre>{@code
   * {presetId, from, to, bucket,
   *  totals: {calls, ok, errors, successRate (0..1, null without calls),
   *           latencyMs: {avg, p50, p95, p99}},                      // null without calls
   *  tools: [{tool, calls, errors, successRate, p50, p95, p99}],        // by calls desc, at most 100
 *  servers: [{serverId, serverSlug, calls, errors, successRate, p50, p95, p99}], // by calls desc, at most 100
 *  callers: [{principal, displayName, calls, errors}],               // by calls desc, at most 10
   *  topErrors: [{code, count, sample}],                                // by count desc, at most 10
   *  series: [{at (bucket start, UTC), calls, errors, p50, p95, p99}]}       // only buckets with calls
   * }</pre>
   */
  public static final String METRICS_STATS = "mgw.metrics.stats";

  private Addresses() {}
}
