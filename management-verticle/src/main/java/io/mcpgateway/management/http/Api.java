package io.mcpgateway.management.http;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.Page;
import io.mcpgateway.model.db.PgText;
import io.mcpgateway.model.http.Problems;
import io.mcpgateway.model.identity.Authenticator;
import io.mcpgateway.model.identity.Caller;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The control plane's HTTP conventions in one place: every route is authenticated, answers JSON or a
 * problem document, and is recorded in a route table from which the OpenAPI document is built.
 */
public final class Api {
  /**
   * One documented operation. {@code requestSchema}/{@code responseSchema} name components, or null;
   * {@code anonymous} operations need no credentials (the console's sign-in settings).
   */
  public record Operation(HttpMethod method, String path, String tag, String summary, String requestSchema,
      int status, String responseSchema, boolean paged, boolean anonymous) {
    public Operation(HttpMethod method, String path, String tag, String summary, String requestSchema, int status,
        String responseSchema, boolean paged) {
      this(method, path, tag, summary, requestSchema, status, responseSchema, paged, false);
    }
  }

  /** The work of an operation that needs no credentials. */
  @FunctionalInterface
  public interface AnonymousWork {
    Future<Reply> handle(RoutingContext ctx);
  }

  /** A route's work: from the authenticated caller and the request to a reply. */
  @FunctionalInterface
  public interface Work {
    Future<Reply> handle(Caller caller, RoutingContext ctx);
  }

  /** A reply: status and JSON body (null = no body). */
  public record Reply(int status, Object body) {
    public static Reply ok(Object body) {
      return new Reply(200, body);
    }

    public static Reply created(Object body) {
      return new Reply(201, body);
    }

    public static Reply noContent() {
      return new Reply(204, null);
    }
  }

  private final Router router;
  private final Authenticator authenticator;
  private final List<String> managementScopes;
  private final io.mcpgateway.model.net.FailureThrottle throttle;
  private final List<Operation> operations = new ArrayList<>();

  /**
   * {@code managementScopes}: what an OAuth access token must carry to use /api/v1 beyond {@code GET /me}
   * (a token minted for the data plane cannot mint API keys); {@code throttle} slows down credential guessing.
   */
  public Api(Router router, Authenticator authenticator, List<String> managementScopes,
      io.mcpgateway.model.net.FailureThrottle throttle) {
    this.router = router;
    this.authenticator = authenticator;
    this.managementScopes = List.copyOf(managementScopes);
    this.throttle = throttle;
  }

  public List<Operation> operations() {
    return List.copyOf(operations);
  }

  /** Mounts an operation that anyone may call; it must answer nothing a stranger may not know. */
  public void anonymousRoute(Operation op, AnonymousWork work) {
    if (!op.anonymous()) {
      throw new IllegalArgumentException(op.path() + " is not marked anonymous");
    }
    operations.add(op);
    router.route(op.method(), "/api/v1" + op.path()).handler(ctx -> work.handle(ctx)
        .onSuccess(reply -> send(ctx, reply))
        .onFailure(ctx::fail));
  }

  public void route(Operation op, Work work) {
    operations.add(op);
    String vertxPath = op.path().replaceAll("\\{([a-zA-Z]+)}", ":$1");
    router.route(op.method(), "/api/v1" + vertxPath).handler(ctx -> {
      String clientIp = ctx.request().remoteAddress().hostAddress();
      long retryAfter = throttle.retryAfterSeconds(clientIp);
      if (retryAfter > 0) {
        ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
        ctx.fail(new GatewayException(ErrorCode.RATE_LIMITED, "too many rejected credentials from this address;"
            + " try again in " + retryAfter + " s"));
        return;
      }
      String authorization = ctx.request().getHeader("Authorization");
      authenticator.authenticate(authorization, clientIp)
          .compose(caller -> {
            if (caller.isAnonymous()) {
              return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED,
                  "send Authorization: Bearer <API key or access token>"));
            }
            // A key limited to some presets is a data-plane credential: were it accepted here it could mint
            // an unrestricted key or reach presets outside its scope.
            if (caller.apiKey().map(k -> !k.presetIds().isEmpty()).orElse(false) && !op.path().equals("/me")) {
              return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
                  "this API key is limited to some presets and serves only /mcp; use an unrestricted key for /api/v1"));
            }
            // Likewise a token granted for the data plane only (RFC 6750 §3.1 insufficient_scope).
            if (caller.viaOAuth() && !caller.scopes().containsAll(managementScopes) && !op.path().equals("/me")) {
              ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mcp-gateway\", error=\"insufficient_scope\", scope=\""
                  + String.join(" ", managementScopes) + "\"");
              return Future.failedFuture(new GatewayException(ErrorCode.FORBIDDEN,
                  "the access token lacks the management scope(s) " + String.join(" ", managementScopes)));
            }
            return work.handle(caller, ctx);
          })
          .onSuccess(reply -> send(ctx, reply))
          .onFailure(e -> {
            if (e instanceof GatewayException g && g.code() == ErrorCode.UNAUTHORIZED) {
              if (authorization != null) {
                throttle.failed(clientIp);
              }
              ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mcp-gateway\"");
            }
            ctx.fail(e);
          });
    });
  }

  private static void send(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(reply.status());
    if (reply.body() == null) {
      ctx.response().end();
    } else {
      String json = reply.body() instanceof JsonObject o ? o.encode()
          : reply.body() instanceof JsonArray a ? a.encode() : String.valueOf(reply.body());
      ctx.response().putHeader("Content-Type", "application/json").end(json);
    }
  }

  // ---- request helpers ----------------------------------------------------------------------------

  /**
   * The JSON object body; a missing or non-object body is a 400 naming what is expected, and so is a NUL
   * character (U+0000) in any string of it, which PostgreSQL cannot store.
   */
  public static JsonObject body(RoutingContext ctx) {
    try {
      Object value = ctx.body() == null ? null : ctx.body().asJsonObject();
      if (value instanceof JsonObject o) {
        String nul = nulField(o, "");
        if (nul != null) {
          throw GatewayException.invalid(List.of(new FieldError(nul, "must not contain the NUL character (U+0000)")));
        }
        return o;
      }
    } catch (DecodeException | ClassCastException e) {
      throw new GatewayException(ErrorCode.INVALID_INPUT, "the request body must be a JSON object");
    }
    throw new GatewayException(ErrorCode.INVALID_INPUT, "the request body must be a JSON object");
  }

  /** The path of the first field (or key) holding a NUL character, or null. */
  private static String nulField(Object value, String path) {
    if (value instanceof String str) {
      return PgText.hasNul(str) ? (path.isEmpty() ? "body" : path) : null;
    }
    if (value instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        String at = path.isEmpty() ? key : path + "." + key;
        String found = PgText.hasNul(key) ? at : nulField(o.getValue(key), at);
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String found = nulField(a.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  public static UUID pathId(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      // An id that cannot exist is "not found", like any id the caller may not see.
      throw GatewayException.notFound(name.replace("Id", "").replace("id", "resource"));
    }
  }

  public static int limit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("limit");
    Integer requested = null;
    if (raw != null) {
      try {
        requested = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw GatewayException.invalid(List.of(new FieldError("limit", "must be a number between 1 and 100")));
      }
    }
    return io.mcpgateway.model.Cursor.limit(requested, 50, 100);
  }

  /** An optional ISO-8601 instant query parameter; a malformed one is a 400 naming it. */
  public static Optional<java.time.Instant> instant(RoutingContext ctx, String param) {
    String raw = ctx.queryParams().get(param);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.Instant.parse(raw.strip()));
    } catch (java.time.format.DateTimeParseException e) {
      throw GatewayException.invalid(List.of(new FieldError(param, "must be an ISO-8601 instant such as 2026-11-24T10:00:00Z")));
    }
  }

  /** An optional UUID query parameter; a malformed one is a 400 naming it. */
  public static Optional<UUID> queryId(RoutingContext ctx, String param) {
    String raw = ctx.queryParams().get(param);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(raw.strip()));
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalid(List.of(new FieldError(param, "must be a UUID")));
    }
  }

  /** The audit filters every trail accepts: {@code type} (prefix), {@code actorId}, {@code from}, {@code to}. */
  public static io.mcpgateway.model.audit.AuditEventStore.Filter auditFilter(RoutingContext ctx) {
    Optional<String> type = Optional.ofNullable(ctx.queryParams().get("type")).map(String::strip).filter(t -> !t.isEmpty());
    if (type.isPresent() && type.get().length() > 100) {
      throw GatewayException.invalid(List.of(new FieldError("type", "must be at most 100 characters")));
    }
    return new io.mcpgateway.model.audit.AuditEventStore.Filter(type, queryId(ctx, "actorId"), instant(ctx, "from"),
        instant(ctx, "to"));
  }

  public static Optional<String> cursor(RoutingContext ctx) {
    return Optional.ofNullable(ctx.queryParams().get("cursor")).filter(c -> !c.isBlank());
  }

  public static <T> JsonObject page(Page<T> page, Function<T, JsonObject> view) {
    JsonArray items = new JsonArray();
    page.items().forEach(i -> items.add(view.apply(i)));
    return new JsonObject().put("items", items).put("nextCursor", page.nextCursor().orElse(null));
  }

  /** Typed field reads that report the field when the type is wrong. */
  public static String string(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw GatewayException.invalid(List.of(new FieldError(field, "must be a string")));
  }

  public static Integer integer(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      // Out of int range is reported with the number sent (intValue() of 2^63 would be 0).
      if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
        throw GatewayException.invalid(List.of(new FieldError(field, "must be an integer of at most "
            + Integer.MAX_VALUE + " (got " + n + ")")));
      }
      return n.intValue();
    }
    throw GatewayException.invalid(List.of(new FieldError(field, "must be an integer")));
  }

  public static List<String> strings(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        Object item = a.getValue(i);
        if (item != null && !(item instanceof String)) {
          throw GatewayException.invalid(List.of(new FieldError(field + "[" + i + "]", "must be a string")));
        }
        out.add((String) item);
      }
      return out;
    }
    throw GatewayException.invalid(List.of(new FieldError(field, "must be an array of strings")));
  }

  public static java.util.Map<String, String> stringMap(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonObject o) {
      java.util.Map<String, String> out = new java.util.TreeMap<>();
      for (String k : o.fieldNames()) {
        if (!(o.getValue(k) instanceof String s)) {
          throw GatewayException.invalid(List.of(new FieldError(field + "." + k, "must be a string")));
        }
        out.put(k, s);
      }
      return out;
    }
    throw GatewayException.invalid(List.of(new FieldError(field, "must be an object of strings")));
  }

  /**
   * Runs the shared-model rules and reports their field errors together with those already collected
   * (e.g. an unknown enum value), so a caller hears about every invalid field in one answer.
   */
  public static void validate(io.mcpgateway.model.Validator collected, Runnable rules) {
    List<FieldError> errors = new ArrayList<>();
    try {
      rules.run();
    } catch (GatewayException e) {
      if (e.code() != ErrorCode.INVALID_INPUT) {
        throw e;
      }
      errors.addAll(e.fieldErrors());
    }
    errors.addAll(collected.errors());
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
  }

  public static void failureHandler(RoutingContext ctx) {
    Problems.handleFailure(ctx);
  }
}
