package io.mcpgateway.model.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A registered upstream MCP server. {@code url} for HTTP transports, {@code command}/{@code args} for stdio.
 * {@code privateNetwork}: an administrator set its URL (or command), so it may reach private addresses; otherwise
 * the gateway connects only to addresses {@link io.mcpgateway.model.net.PrivateNetworkPolicy} permits.
 */
public record UpstreamServer(
    UUID id,
    String slug,
    String name,
    String description,
    Transport transport,
    String url,
    String command,
    List<String> args,
    UpstreamSecrets secrets,
    UUID ownerId,
    ServerStatus status,
    Optional<Duration> toolCallTimeout,
    Instant createdAt,
    Instant updatedAt,
    boolean privateNetwork) {

  /** A server an administrator configured (may reach private networks): for trusted code and tests. */
  public UpstreamServer(UUID id, String slug, String name, String description, Transport transport, String url,
      String command, List<String> args, UpstreamSecrets secrets, UUID ownerId, ServerStatus status,
      Optional<Duration> toolCallTimeout, Instant createdAt, Instant updatedAt) {
    this(id, slug, name, description, transport, url, command, args, secrets, ownerId, status, toolCallTimeout,
        createdAt, updatedAt, true);
  }

  public UpstreamServer {
    args = args == null ? List.of() : List.copyOf(args);
    secrets = secrets == null ? UpstreamSecrets.NONE : secrets;
    toolCallTimeout = toolCallTimeout == null ? Optional.empty() : toolCallTimeout;
  }

  public boolean active() {
    return status == ServerStatus.ACTIVE;
  }

  /** The API view: secrets masked, never in full. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("slug", slug)
        .put("name", name)
        .put("description", description)
        .put("transport", transport.wire())
        .put("url", url)
        .put("command", command)
        .put("args", new JsonArray(args))
        .put("headers", secrets.masked().getJsonObject("headers"))
        .put("env", secrets.masked().getJsonObject("env"))
        .put("ownerId", ownerId.toString())
        .put("status", status.wire())
        .put("toolCallTimeoutMs", toolCallTimeout.map(Duration::toMillis).orElse(null))
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
  }
}
