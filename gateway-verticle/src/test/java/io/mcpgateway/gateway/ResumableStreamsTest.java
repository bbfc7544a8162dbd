package io.mcpgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.gateway.SseClient.Event;
import io.mcpgateway.gateway.SseClient.Exchange;
import io.mcpgateway.gateway.session.EventStreams;
import io.mcpgateway.model.bus.Addresses;
import io.mcpgateway.model.bus.Change;
import io.mcpgateway.model.bus.PresetChanged;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.preset.Visibility;
import io.mcpgateway.testing.mcp.HttpFixtureServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 11: the gateway's own SSE streams are resumable (2025-11-25 basic/transports §Resumability and
 * Redelivery) — event ids unique in the session, a priming event first, replay after {@code Last-Event-ID} of that
 * stream only, bounded. Real HTTP against a started gateway; the upstream is the SDK fixture ({@code progress}
 * sends a log message and one progress notification per step, 20 ms apart).
 */
class ResumableStreamsTest {
  private static GatewayHarness gw;
  private static HttpFixtureServer upstream;
  private static SseClient http;
  private static Preset preset;

  @BeforeAll
  static void start() {
    // 150 progress steps of 20 ms can outlast the harness's 5 s call timeout on a loaded machine (the call then ends
    // early with fewer events than the test needs), so calls here may take 30 s.
    gw = new GatewayHarness("resume", new JsonObject().put("MGW_RATE_LIMIT_PER_MINUTE", "100000")
        .put("MGW_TOOL_CALL_TIMEOUT", "30s"));
    upstream = HttpFixtureServer.streamable("up");
    preset = gw.preset(GatewayHarness.slug("resume"), Visibility.PUBLIC);
    gw.link(preset, gw.httpServer(GatewayHarness.slug("up"), upstream.url(), Map.of()), List.of());
    http = new SseClient(gw.vertx, gw.port(), "/mcp/" + preset.slug());
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.close();
  }

  private static JsonObject progress(int id, int steps) {
    return SseClient.call(id, "progress", new JsonObject().put("steps", steps));
  }

  private static JsonObject echo(int id, String text) {
    return SseClient.call(id, "echo", new JsonObject().put("text", text));
  }

  private static boolean isResponse(Event e, int id) {
    return e.data() != null && !e.data().isEmpty() && e.message().containsKey("result")
        && Integer.valueOf(id).equals(e.message().getValue("id"));
  }

  private static long progressCount(List<Event> events) {
    return events.stream().filter(e -> e.data() != null && e.data().contains("notifications/progress")).count();
  }

  @Test
  void every_event_has_an_id_unique_in_the_session_and_each_stream_starts_with_a_priming_event() {
    String session = http.initialize("2025-11-25");
    List<Event> first = http.post(session, progress(2, 3)).awaitEnd().events();
    List<Event> second = http.post(session, progress(3, 3)).awaitEnd().events();
    Exchange listening = http.get(session, null).awaitEvents(1);

    for (List<Event> stream : List.of(first, second)) {
      Event priming = stream.get(0);
      assertThat(priming.id()).isNotBlank();
      assertThat(priming.data()).isEmpty();
      assertThat(priming.retry()).isEqualTo(EventStreams.RETRY_MS);
      assertThat(stream).allSatisfy(e -> assertThat(e.id()).isNotBlank());
      assertThat(stream.stream().map(Event::stream).distinct()).hasSize(1);
      assertThat(progressCount(stream)).isEqualTo(3);
    }
    assertThat(isResponse(first.get(first.size() - 1), 2)).isTrue();
    assertThat(isResponse(second.get(second.size() - 1), 3)).isTrue();
    Event getPriming = listening.events().get(0);
    assertThat(getPriming.data()).isEmpty();
    List<String> ids = Stream.of(first, second, List.of(getPriming)).flatMap(List::stream).map(Event::id).toList();
    assertThat(new HashSet<>(ids)).as("ids unique in the session").hasSize(ids.size());
    assertThat(first.get(0).stream()).isNotEqualTo(second.get(0).stream()).isNotEqualTo(getPriming.stream());
    listening.drop();
  }

  @Test
  void a_2025_06_18_client_gets_event_ids_but_no_priming_event() {
    String session = http.initialize("2025-06-18");
    List<Event> events = http.post(session, progress(2, 2)).awaitEnd().events();
    assertThat(events).allSatisfy(e -> {
      assertThat(e.id()).isNotBlank();
      assertThat(e.data()).isNotEmpty();
      assertThat(e.retry()).isNull();
    });
    assertThat(isResponse(events.get(events.size() - 1), 2)).isTrue();
  }

  @Test
  void a_client_that_loses_the_post_stream_mid_call_gets_the_rest_and_the_response_on_a_get_with_last_event_id() {
    String session = http.initialize("2025-11-25");
    Exchange call = http.post(session, progress(4, 60)).awaitEvents(4); // priming, the log message, progress
    List<Event> before = call.events();
    call.drop();
    Event last = before.get(before.size() - 1);

    Exchange resumed = http.get(session, last.id()).awaitEnd();
    assertThat(resumed.status()).isEqualTo(200);
    List<Event> rest = resumed.events();
    assertThat(rest).isNotEmpty().allSatisfy(e -> assertThat(e.stream()).isEqualTo(last.stream()));
    List<Long> seqs = rest.stream().map(Event::seq).toList();
    List<Long> expected = new ArrayList<>();
    for (long s = last.seq() + 1; s < last.seq() + 1 + rest.size(); s++) {
      expected.add(s);
    }
    assertThat(seqs).as("every event after the last one received, in order, none twice").isEqualTo(expected);
    assertThat(isResponse(rest.get(rest.size() - 1), 4)).as("the response comes last").isTrue();
    List<Event> all = new ArrayList<>(before);
    all.addAll(rest);
    assertThat(progressCount(all)).as("all 60 progress notifications, across both connections").isEqualTo(60);
  }

  @Test
  void a_resumption_replays_only_the_stream_the_id_belongs_to() {
    String session = http.initialize("2025-11-25");
    List<Event> first = http.post(session, echo(5, "first call")).awaitEnd().events();
    List<Event> second = http.post(session, echo(6, "second call")).awaitEnd().events();
    assertThat(second).isNotEmpty();

    Exchange resumed = http.get(session, first.get(0).id()).awaitEnd();
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.events()).hasSize(1).allSatisfy(e -> {
      assertThat(e.stream()).isEqualTo(first.get(0).stream());
      assertThat(e.data()).contains("first call").doesNotContain("second call");
    });
  }

  @Test
  void a_stream_keeps_its_last_100_events_and_an_older_id_is_refused_with_a_reason() {
    String session = http.initialize("2025-11-25");
    List<Event> events = http.post(session, progress(7, 150)).awaitEnd().events();
    long lastSeq = events.get(events.size() - 1).seq();
    assertThat(lastSeq).isGreaterThan(EventStreams.MAX_EVENTS_PER_STREAM + 1);

    Exchange tooOld = http.get(session, events.get(0).id()).awaitEnd();
    assertThat(tooOld.status()).isEqualTo(400);
    assertThat(tooOld.body()).contains("no longer kept");

    Event kept = events.stream().filter(e -> e.seq() == lastSeq - EventStreams.MAX_EVENTS_PER_STREAM).findFirst().orElseThrow();
    List<Event> replay = http.get(session, kept.id()).awaitEnd().events();
    assertThat(replay).hasSize(EventStreams.MAX_EVENTS_PER_STREAM);
    assertThat(replay.get(0).seq()).isEqualTo(kept.seq() + 1);
    assertThat(isResponse(replay.get(replay.size() - 1), 7)).isTrue();
  }

  @Test
  void a_session_keeps_at_most_1_mib_of_events_dropping_the_oldest() {
    String session = http.initialize("2025-11-25");
    String big = "x".repeat(600 * 1024);
    List<Event> first = http.post(session, echo(8, big)).awaitEnd().events();
    List<Event> second = http.post(session, echo(9, big)).awaitEnd().events();

    Exchange dropped = http.get(session, first.get(0).id()).awaitEnd();
    assertThat(dropped.status()).as("the oldest stream's events made room").isEqualTo(400);
    assertThat(dropped.body()).contains("no longer kept");
    List<Event> replay = http.get(session, second.get(0).id()).awaitEnd().events();
    assertThat(replay).hasSize(1);
    assertThat(isResponse(replay.get(0), 9)).isTrue();
  }

  @Test
  void an_id_that_names_no_kept_stream_gets_a_clear_outcome_never_a_hang() {
    String session = http.initialize("2025-11-25");
    String ownTag = http.get(session, null).awaitEvents(1).events().get(0).id().split("\\.")[0];

    Exchange unknownPost = http.get(session, ownTag + ".p999999.3").awaitEnd();
    assertThat(unknownPost.status()).isEqualTo(400);
    assertThat(unknownPost.body()).contains("cannot be resumed").contains("not known");
    Exchange goneInstance = http.get(session, "Zgoneinstance.p1.1").awaitEnd();
    assertThat(goneInstance.status()).isEqualTo(400);
    assertThat(http.get(session, "not an id").awaitEnd().status()).isEqualTo(400);

    // A GET stream carries no responses: one that cannot be resumed is opened afresh.
    Exchange fresh = http.get(session, ownTag + ".g999999.3").awaitEvents(1);
    assertThat(fresh.status()).isEqualTo(200);
    assertThat(fresh.events().get(0).data()).isEmpty();
    assertThat(fresh.events().get(0).stream()).isNotEqualTo(ownTag + ".g999999");
    fresh.drop();
  }

  @Test
  void a_resumed_get_stream_gets_what_it_missed_and_stays_the_sessions_stream() {
    String session = http.initialize("2025-11-25");
    Exchange listening = http.get(session, null).awaitEvents(1);
    Event priming = listening.events().get(0);
    listening.drop();
    Exchange resumed = http.get(session, priming.id());
    assertThat(resumed.status()).isEqualTo(200);
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    resumed.awaitEvents(1);
    Event changed = resumed.events().get(0);
    assertThat(changed.stream()).as("the resumed stream, under its own ids").isEqualTo(priming.stream());
    assertThat(changed.seq()).isEqualTo(priming.seq() + 1);
    assertThat(changed.data()).contains("list_changed");
    resumed.drop();
  }

  @Test
  void a_client_reopening_its_get_stream_again_and_again_piles_up_no_streams() {
    String session = http.initialize("2025-11-25");
    List<Event> primings = new ArrayList<>();
    for (int i = 0; i < EventStreams.MAX_FINISHED_STREAMS + 4; i++) {
      Exchange listening = http.get(session, null).awaitEvents(1);
      primings.add(listening.events().get(0));
      listening.drop();
    }
    // The oldest replaced GET streams are gone: resuming one opens a fresh stream.
    Exchange oldest = http.get(session, primings.get(0).id()).awaitEvents(1);
    assertThat(oldest.events().get(0).data()).isEmpty();
    assertThat(oldest.events().get(0).stream()).isNotEqualTo(primings.get(0).stream());
    oldest.drop();
    // A recent one is still kept: resumed, it is the session's GET stream again, under its own ids.
    Event recent = primings.get(primings.size() - 2);
    Exchange resumed = http.get(session, recent.id());
    gw.vertx.eventBus().publish(Addresses.PRESET_CHANGED, new PresetChanged(preset.id(), preset.slug(), Change.UPDATED).toJson());
    resumed.awaitEvents(1);
    assertThat(resumed.events().get(0).stream()).isEqualTo(recent.stream());
    assertThat(resumed.events().get(0).data()).contains("list_changed");
    resumed.drop();
  }
}
