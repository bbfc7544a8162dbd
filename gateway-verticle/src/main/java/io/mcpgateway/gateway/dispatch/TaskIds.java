package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.model.crypto.SecretBox;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * The task ids clients see (MCP 2025-11-25 basic/utilities/tasks): an AES-256-GCM sealed token, under a key
 * derived from {@code MGW_SECRET_KEY}, holding where the task lives — preset, server, the upstream's own task id
 * and the upstream session that created it — and whom it belongs to. Any gateway instance on any node opens it
 * and sends {@code tasks/get|result|cancel} there; nothing is stored. Another caller's or another preset's id,
 * and anything the gateway did not seal, opens as "not found" (tasks §Security Considerations: tasks are bound to
 * the authorization context that created them). Thread-safe and stateless.
 */
public final class TaskIds {
  private static final byte[] AAD = "mcp-gateway task v1".getBytes(StandardCharsets.US_ASCII);
  /** Longer ids cannot be ours; refused before any decoding. */
  static final int MAX_ID_CHARS = 4096;
  /** An upstream task id or session id longer than this is not relayed (the gateway's id would grow with it). */
  static final int MAX_UPSTREAM_CHARS = 1024;

  /**
   * What a task id says: {@code owner} is the caller it is bound to ({@code Caller.rateKey()}, plus the session
   * for anonymous callers); {@code upstreamSession} the {@code Mcp-Session-Id} the task was created in, or null;
   * {@code instance} the gateway instance whose connection created it when the server has no session ids (stdio:
   * the task lives in that instance's child process), else null.
   */
  public record Task(UUID presetId, UUID serverId, String owner, String upstreamTaskId, String upstreamSession,
      String instance) {
    public Task(UUID presetId, UUID serverId, String owner, String upstreamTaskId, String upstreamSession) {
      this(presetId, serverId, owner, upstreamTaskId, upstreamSession, null);
    }
  }

  private final SecretBox box;
  private final String instance;

  public TaskIds(SecretBox nodeKey) {
    this(nodeKey, null);
  }

  /** {@code instance}: this gateway instance's id (the one {@link #instance()} names in the tasks it seals). */
  public TaskIds(SecretBox nodeKey, String instance) {
    this.box = nodeKey.derive("mcp-gateway task ids");
    this.instance = instance;
  }

  public String instance() {
    return instance;
  }

  /** The id to hand the client; empty when the upstream's ids are too long to carry. */
  public Optional<String> issue(Task task) {
    if (task.upstreamTaskId().length() > MAX_UPSTREAM_CHARS
        || (task.upstreamSession() != null && task.upstreamSession().length() > MAX_UPSTREAM_CHARS)) {
      return Optional.empty();
    }
    JsonObject plain = new JsonObject().put("p", task.presetId().toString()).put("s", task.serverId().toString())
        .put("o", task.owner()).put("t", task.upstreamTaskId());
    if (task.upstreamSession() != null) {
      plain.put("u", task.upstreamSession());
    }
    if (task.instance() != null) {
      plain.put("i", task.instance());
    }
    return Optional.of(box.sealToken(plain.encode().getBytes(StandardCharsets.UTF_8), AAD));
  }

  /** The task behind an id this gateway issued; empty for anything else. */
  public Optional<Task> open(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return Optional.empty();
    }
    try {
      JsonObject plain = new JsonObject(new String(box.openToken(id, AAD), StandardCharsets.UTF_8));
      return Optional.of(new Task(UUID.fromString(plain.getString("p")), UUID.fromString(plain.getString("s")),
          plain.getString("o"), plain.getString("t"), plain.getString("u"), plain.getString("i")));
    } catch (RuntimeException forgedOrMalformed) {
      // Not base64, altered, sealed under another key: not a task of this gateway.
      return Optional.empty();
    }
  }
}
