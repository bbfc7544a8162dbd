package io.mcpgateway.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.upstream.ServerRequest;
import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.GatewayException;
import io.mcpgateway.testing.Eventually;
import io.mcpgateway.testing.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream's requests to a downstream client, on the session's side: the session's own request ids,
 * answers matched by id, bounds, timeouts and cancellation (the client is told), and the session ending.
 */
class ClientRequestsTest {
  private Vertx vertx;
  private Context context;
  private SessionRegistry registry;
  private Session session;
  private final List<JsonObject> written = new CopyOnWriteArrayList<>();
  private final Predicate<JsonObject> stream = m -> written.add(m);
  private final SessionTokens tokens = new SessionTokens(SecretBox.fromBase64(SecretBox.generateKey()),
      Duration.ofHours(1), Clock.systemUTC());

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    registry = on(() -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5), Duration.ofMinutes(1)));
    session = on(() -> registry.create(UUID.randomUUID(), "p", "2025-11-25", "caller", new JsonObject()));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private <T> T on(Callable<T> work) {
    return OnContext.call(context, work);
  }

  private Future<JsonObject> ask(String method) {
    return on(() -> session.ask(new ServerRequest(method, new JsonObject().put("maxTokens", 1)), stream));
  }

  @Test
  void the_request_goes_out_under_the_sessions_own_id_and_the_matching_answer_completes_it() {
    Future<JsonObject> first = ask("sampling/createMessage");
    Future<JsonObject> second = ask("roots/list");
    assertThat(written).extracting(m -> m.getString("method")).containsExactly("sampling/createMessage", "roots/list");
    assertThat(written).extracting(m -> m.getValue("id")).doesNotHaveDuplicates();
    assertThat(written.get(0).getJsonObject("params").getInteger("maxTokens")).isEqualTo(1);
    Object secondId = written.get(1).getValue("id");
    JsonObject response = new JsonObject().put("jsonrpc", "2.0").put("id", secondId).put("result", new JsonObject());
    assertThat(on(() -> session.answerHere(response))).isTrue();
    assertThat(on(() -> session.answerHere(response))).as("an id is answered once").isFalse();
    assertThat(on(() -> session.answerHere(new JsonObject().put("id", "not-ours").put("result", new JsonObject())))).isFalse();
    Eventually.await("the answer to complete the request", Duration.ofSeconds(2), second::succeeded);
    assertThat(second.result()).isEqualTo(response);
    assertThat(first.isComplete()).isFalse();
  }

  @Test
  void an_unanswered_request_times_out_and_the_client_is_told_it_was_cancelled() {
    SessionRegistry impatient = on(() -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5), Duration.ofMillis(200)));
    session = on(() -> impatient.create(UUID.randomUUID(), "p", "2025-11-25", "caller", new JsonObject()));
    Future<JsonObject> asked = ask("elicitation/create");
    Object id = written.get(0).getValue("id");
    Eventually.await("the request to time out", Duration.ofSeconds(5), asked::failed);
    assertThat(((GatewayException) asked.cause()).code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(written.get(1).getString("method")).isEqualTo("notifications/cancelled");
    assertThat(written.get(1).getJsonObject("params").getValue("requestId")).isEqualTo(id);
    assertThat(on(() -> session.awaitingClient())).isZero();
  }

  @Test
  void the_upstream_cancelling_reaches_the_client_and_a_late_answer_is_ignored() {
    ServerRequest request = new ServerRequest("sampling/createMessage", new JsonObject());
    Future<JsonObject> asked = on(() -> session.ask(request, stream));
    Object id = written.get(0).getValue("id");
    on(() -> {
      request.cancel("no longer needed");
      return null;
    });
    assertThat(asked.failed()).isTrue();
    assertThat(written.get(1).getJsonObject("params").getString("reason")).isEqualTo("no longer needed");
    assertThat(on(() -> session.answerHere(new JsonObject().put("id", id).put("result", new JsonObject())))).isFalse();
  }

  @Test
  void requests_waiting_for_the_client_are_bounded_per_session() {
    for (int i = 0; i < Session.MAX_CLIENT_REQUESTS; i++) {
      ask("roots/list");
    }
    Future<JsonObject> over = ask("roots/list");
    assertThat(over.failed()).isTrue();
    assertThat(over.cause().getMessage()).contains("unanswered");
    assertThat(written).hasSize(Session.MAX_CLIENT_REQUESTS);
  }

  @Test
  void with_no_stream_to_carry_it_the_request_fails_at_once() {
    Future<JsonObject> asked = on(() -> session.ask(new ServerRequest("roots/list", null), m -> false));
    assertThat(asked.failed()).isTrue();
    assertThat(((GatewayException) asked.cause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(asked.cause().getMessage()).contains("GET stream");
  }

  @Test
  void ending_the_session_fails_what_waits_for_the_client() {
    Future<JsonObject> asked = ask("sampling/createMessage");
    List<String> ended = new CopyOnWriteArrayList<>();
    on(() -> {
      registry.onEnded(s -> ended.add(s.id()));
      registry.end(session.id());
      return null;
    });
    assertThat(asked.failed()).isTrue();
    assertThat(ended).containsExactly(session.id());
    assertThat(on(() -> session.ask(new ServerRequest("roots/list", null), stream)).failed()).isTrue();
  }

  @Test
  void an_answer_posted_to_another_instance_reaches_the_one_waiting_and_the_capabilities_travel_in_the_id() {
    JsonObject declared = new JsonObject().put("sampling", new JsonObject()).put("experimental", new JsonObject());
    Session here = on(() -> registry.create(UUID.randomUUID(), "p", "2025-11-25", "caller", new JsonObject(), declared));
    Context otherInstance = vertx.getOrCreateContext();
    SessionRegistry other = OnContext.call(otherInstance, () -> new SessionRegistry(vertx, tokens, Duration.ofMinutes(5)));
    Session there = OnContext.call(otherInstance, () -> other.get(here.id()).orElseThrow());
    assertThat(there.capabilities()).isEqualTo(new JsonObject().put("sampling", new JsonObject()));
    Future<JsonObject> asked = on(() -> here.ask(new ServerRequest("sampling/createMessage", new JsonObject()), stream));
    JsonObject response = new JsonObject().put("jsonrpc", "2.0").put("id", written.get(0).getValue("id"))
        .put("result", new JsonObject().put("model", "m"));
    OnContext.call(otherInstance, () -> {
      there.answer(response);
      return null;
    });
    Eventually.await("the answer to cross to the waiting instance", Duration.ofSeconds(5), asked::succeeded);
    assertThat(asked.result()).isEqualTo(response);
  }
}
