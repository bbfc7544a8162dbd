package io.mcpgateway.management.server;

import static io.mcpgateway.management.http.Api.Reply;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.management.audit.AuditRoutes;
import io.mcpgateway.management.http.Api;
import io.mcpgateway.management.http.BusRequests;
import io.mcpgateway.management.http.Events;
import io.mcpgateway.management.http.Ownership;
import io.mcpgateway.model.Cursor;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.WireEnum;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.ServerChanged;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.server.ServerRules;
import io.mcpgateway.model.server.ServerStatus;
import io.mcpgateway.model.server.Transport;
import io.mcpgateway.model.server.UpstreamSecrets;
import io.mcpgateway.model.server.UpstreamServer;
import io.mcpgateway.model.server.UpstreamServerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/v1/servers}: register, list, read, change and remove upstream MCP servers. */
public final class ServerRoutes {
  private final Vertx vertx;
  private final Pool pool;
  private final UpstreamServerStore servers;
  private final UrlPolicy urls;
  private final Events events;
  private final io.mcpgateway.model.audit.AuditEventStore audit = new io.mcpgateway.model.audit.AuditEventStore();

  public ServerRoutes(Vertx vertx, Pool pool, UpstreamServerStore servers, GatewayConfig config, Events events) {
    this.vertx = vertx;
    this.pool = pool;
    this.servers = servers;
    this.urls = new UrlPolicy(vertx, config.security().privateNetworkAllowlist());
    this.events = events;
  }

  public void mount(Api api) {
    api.route(new Api.Operation(HttpMethod.POST, "/servers", "servers", "Register an upstream MCP server", "ServerInput", 201, "Server", false), this::create);
    api.route(new Api.Operation(HttpMethod.GET, "/servers", "servers", "List the servers you own (all for admins)", null, 200, "Server", true), this::list);
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}", "servers", "Read a server (secrets masked)", null, 200, "Server", false), this::get);
    api.route(new Api.Operation(HttpMethod.PATCH, "/servers/{id}", "servers", "Change a server", "ServerInput", 200, "Server", false), this::update);
    api.route(new Api.Operation(HttpMethod.DELETE, "/servers/{id}", "servers", "Remove a server no preset links", null, 204, null, false), this::delete);
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}/tools", "servers", "Test the connection: the server's live tool list, or the upstream's error", null, 200, "ToolList", false), this::tools);
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}/prompts", "servers", "The server's live prompt list, or the upstream's error", null, 200, "PromptList", false),
        (caller, ctx) -> features(caller, ctx, "prompts"));
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}/resources", "servers", "The server's live resources and resource templates, or the upstream's error", null, 200, "ResourceList", false),
        (caller, ctx) -> features(caller, ctx, "resources", "resourceTemplates"));
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}/status", "servers", "The circuit breaker state of the server, as a gateway node sees it", null, 200, "ServerStatus", false), this::status);
    api.route(new Api.Operation(HttpMethod.GET, "/servers/{id}/events", "audit", "The server's audit trail, newest first (query: type prefix, actorId, from, to)", null, 200, "AuditEvent", true), this::events);
  }

  private Future<Reply> create(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    UUID id = UUID.randomUUID();
    UpstreamServer server = fromInput(body, id, Ownership.self(caller), Optional.empty(), caller.isAdmin());
    return admissible(caller, server)
        .compose(v -> events.commit(caller, conn -> servers.insert(conn, server).map(saved ->
            new Events.Change<>(saved, "server", id, "server.created", new JsonObject().put("after", saved.toJson()),
                Addresses.SERVER_CHANGED, new ServerChanged(id, Change.CREATED).toJson()))))
        .map(saved -> Reply.created(saved.toJson()));
  }

  private Future<Reply> list(Caller caller, RoutingContext ctx) {
    int limit = Api.limit(ctx);
    Optional<Cursor> after = Api.cursor(ctx).map(Cursor::decode);
    return servers.list(pool, Ownership.self(caller), caller.isAdmin(), limit, after)
        .map(page -> Reply.ok(Api.page(page, UpstreamServer::toJson)));
  }

  private Future<Reply> get(Caller caller, RoutingContext ctx) {
    return visible(caller, Api.pathId(ctx, "id")).map(s -> Reply.ok(s.toJson()));
  }

  private Future<Reply> update(Caller caller, RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    return visible(caller, Api.pathId(ctx, "id")).compose(before -> {
      JsonObject merged = before.toJson().mergeIn(body);
      List<FieldError> carried = credentialsCarriedToANewUrl(before, merged, body);
      if (!carried.isEmpty()) {
        return Future.failedFuture(new GatewayException(ErrorCode.RULE_VIOLATION, "the url changes: send the values of "
            + carried.stream().map(FieldError::field).toList() + " again (stored credentials never follow a server to a new URL)",
            carried));
      }
      // Secrets are masked in the view: keep the stored ones unless new ones are sent, and keep a stored
      // value whose masked form is sent back (a client that PATCHes what it read must not store "Bear***").
      JsonObject masked = before.secrets().masked();
      merged.put("headers", unmask(body.getValue("headers"), before.secrets().headers(), masked.getJsonObject("headers")));
      merged.put("env", unmask(body.getValue("env"), before.secrets().env(), masked.getJsonObject("env")));
      // Private networks stay open to a server only while an administrator set where it points: an admin's rename
      // keeps the flag as it was, a URL or command set by anyone else closes them.
      boolean target = !java.util.Objects.equals(before.url(), merged.getValue("url"))
          || !java.util.Objects.equals(before.command(), merged.getValue("command"));
      boolean privateNetwork = caller.isAdmin() && (target || before.privateNetwork());
      UpstreamServer after = fromInput(merged, before.id(), before.ownerId(), Optional.of(before), privateNetwork);
      return admissible(caller, after)
          .compose(v -> events.commit(caller, conn -> servers.update(conn, after).compose(saved -> saved.isEmpty()
              ? Future.failedFuture(GatewayException.notFound("server"))
              : Future.succeededFuture(new Events.Change<>(saved.get(), "server", before.id(), "server.updated",
                  new JsonObject().put("before", before.toJson()).put("after", saved.get().toJson()),
                  Addresses.SERVER_CHANGED, new ServerChanged(before.id(), Change.UPDATED).toJson())))));
    }).map(saved -> Reply.ok(saved.toJson()));
  }

  /**
   * The stored header values a PATCH would keep while it changes the URL: omitted headers, or values sent back in
   * their masked form. Those credentials were given for the old URL, so the new one must be sent them explicitly
   * (an owner, or whoever holds their key, must not point the server elsewhere and collect them there).
   */
  private static List<FieldError> credentialsCarriedToANewUrl(UpstreamServer before, JsonObject merged, JsonObject body) {
    Map<String, String> stored = before.secrets().headers();
    if (stored.isEmpty() || java.util.Objects.equals(before.url(), merged.getValue("url"))) {
      return List.of();
    }
    Object sent = body.getValue("headers");
    JsonObject masked = before.secrets().masked().getJsonObject("headers");
    List<FieldError> carried = new java.util.ArrayList<>();
    for (String name : new java.util.TreeSet<>(stored.keySet())) {
      boolean kept = sent == null || (sent instanceof JsonObject values && values.getValue(name) instanceof String v
          && v.equals(masked.getString(name)) && !v.equals(stored.get(name)));
      if (kept) {
        carried.add(new FieldError("headers." + name, "the url changes: send this header's value again (or drop it)"));
      }
    }
    return carried;
  }

  private static Object unmask(Object sent, Map<String, String> stored, JsonObject masked) {
    if (sent == null) {
      return new JsonObject(new java.util.HashMap<>(stored));
    }
    if (!(sent instanceof JsonObject values)) {
      return sent; // fromInput reports the type error
    }
    JsonObject out = values.copy();
    for (String name : values.fieldNames()) {
      if (stored.containsKey(name) && values.getValue(name) instanceof String v && v.equals(masked.getString(name))) {
        out.put(name, stored.get(name));
      }
    }
    return out;
  }

  private Future<Reply> delete(Caller caller, RoutingContext ctx) {
    return visible(caller, Api.pathId(ctx, "id"))
        .compose(before -> events.commit(caller, conn -> servers.delete(conn, before.id()).map(deleted ->
            new Events.Change<>(deleted, "server", before.id(), "server.deleted", new JsonObject().put("before", before.toJson()),
                Addresses.SERVER_CHANGED, new ServerChanged(before.id(), Change.DELETED).toJson()))))
        .map(v -> Reply.noContent());
  }

  private Future<Reply> tools(Caller caller, RoutingContext ctx) {
    return visible(caller, Api.pathId(ctx, "id"))
        .compose(s -> BusRequests.request(vertx, Addresses.SERVER_TOOLS, new JsonObject().put("serverId", s.id().toString()),
            15_000, "gateway"))
        .map(Reply::ok);
  }

  /** The named lists of the server's live prompts, resources and templates (one answer of the gateway has all three). */
  private Future<Reply> features(Caller caller, RoutingContext ctx, String... lists) {
    return visible(caller, Api.pathId(ctx, "id"))
        .compose(s -> BusRequests.request(vertx, Addresses.SERVER_FEATURES, new JsonObject().put("serverId", s.id().toString()),
            15_000, "gateway"))
        .map(all -> Reply.ok(BusRequests.pick(all, lists)));
  }

  private Future<Reply> status(Caller caller, RoutingContext ctx) {
    return visible(caller, Api.pathId(ctx, "id"))
        .compose(s -> BusRequests.request(vertx, Addresses.SERVER_STATUS, new JsonObject().put("serverId", s.id().toString()),
            5_000, "gateway"))
        .map(Reply::ok);
  }

  private Future<Reply> events(Caller caller, RoutingContext ctx) {
    return AuditRoutes.trailOf(pool, audit, ctx, "server", () -> visible(caller, Api.pathId(ctx, "id")).map(UpstreamServer::id));
  }

  private Future<UpstreamServer> visible(Caller caller, UUID id) {
    return servers.findById(pool, id).compose(found -> {
      if (found.isEmpty() || !Ownership.manages(caller, found.get().ownerId())) {
        return Future.failedFuture(GatewayException.notFound("server"));
      }
      return Future.succeededFuture(found.get());
    });
  }

  /** stdio servers and private-network URLs reach the host: only admins may register them. */
  private Future<Void> admissible(Caller caller, UpstreamServer server) {
    if (caller.isAdmin()) {
      return Future.succeededFuture();
    }
    if (server.transport() == Transport.STDIO) {
      return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
          "only administrators may register stdio servers: they run commands on the gateway host"));
    }
    return urls.check(server.url());
  }

  private static UpstreamServer fromInput(JsonObject body, UUID id, UUID owner, Optional<UpstreamServer> before,
      boolean privateNetwork) {
    String transportName = Api.string(body, "transport");
    Optional<Transport> transport = WireEnum.find(Transport.class, transportName);
    String statusName = Api.string(body, "status");
    Optional<ServerStatus> status = statusName == null ? Optional.of(ServerStatus.ACTIVE) : WireEnum.find(ServerStatus.class, statusName);
    Map<String, String> headers = Api.stringMap(body, "headers");
    Map<String, String> env = Api.stringMap(body, "env");
    List<String> args = Api.strings(body, "args");
    Integer timeoutMs = Api.integer(body, "toolCallTimeoutMs");
    var secrets = new UpstreamSecrets(headers == null ? Map.of() : headers, env == null ? Map.of() : env);
    String url = Api.string(body, "url");
    String command = Api.string(body, "command");
    String slug = Api.string(body, "slug");
    String name = Api.string(body, "name");
    String description = Api.string(body, "description");
    var v = new io.mcpgateway.model.Validator()
        .optionalText("description", description, 500)
        .check(transport.isPresent(), "transport", "must be " + WireEnum.accepted(Transport.class)
            + " (got " + (transportName == null ? "nothing" : "\"" + transportName + "\"") + ")")
        .check(status.isPresent(), "status", "must be " + WireEnum.accepted(ServerStatus.class))
        .check(timeoutMs == null || (timeoutMs >= 100 && timeoutMs <= 600_000), "toolCallTimeoutMs",
            "must be between 100 and 600000");
    Api.validate(v, () -> ServerRules.validate(slug, name, transport.orElse(null), url, command, args, secrets));
    return new UpstreamServer(id, slug, name, description, transport.get(), url, command, args == null ? List.of() : args,
        secrets, owner, status.get(), Optional.ofNullable(timeoutMs).map(Duration::ofMillis),
        before.map(UpstreamServer::createdAt).orElse(null), null, privateNetwork);
  }
}
