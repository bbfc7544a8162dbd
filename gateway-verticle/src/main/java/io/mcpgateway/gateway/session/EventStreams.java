package io.mcpgateway.gateway.session;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SSE streams one session view writes (basic/transports §Resumability and Redelivery): each POST reply that
 * became a stream and each GET stream. Every event carries an id {@code {instance}.{p|g}{stream}.{seq}}, unique
 * in the session (the instance tag is random per gateway instance, stream numbers are never reused by an
 * instance, sequence numbers never within a stream), so a {@code Last-Event-ID} names the instance, the stream
 * and the position. The last events of each stream are kept, bounded, so a client that lost its connection gets
 * them again on a GET with {@code Last-Event-ID} — from this view when the GET lands here, over the event bus
 * when it lands on another instance ({@link #poll}). Confined to the instance's event loop.
 */
public final class EventStreams {
  /** Events kept per stream for replay; older ones are dropped. */
  public static final int MAX_EVENTS_PER_STREAM = 100;
  /** Bytes of events kept per session view; the oldest events (of the oldest stream first) are dropped beyond. */
  public static final int MAX_BYTES_PER_SESSION = 1024 * 1024;
  /**
   * Finished streams kept per session view (POST replies answered, GET streams replaced by a newer one); the oldest
   * go first. Live ones are bounded by the calls in flight and the one GET stream.
   */
  public static final int MAX_FINISHED_STREAMS = 16;
  /** How long a finished stream (its response written) stays resumable. */
  public static final long KEEP_FINISHED_MS = 5 * 60_000;
  /** The reconnection delay sent in the priming event ({@code retry}). */
  public static final int RETRY_MS = 1000;

  private static final Pattern EVENT_ID = Pattern.compile("([A-Za-z0-9_-]{1,16})\\.([pg])(\\d{1,18})\\.(\\d{1,18})");

  /** A parsed {@code Last-Event-ID}. */
  public record EventId(String instance, Kind kind, long stream, long seq) {
    public static Optional<EventId> parse(String text) {
      if (text == null || text.length() > 64) {
        return Optional.empty();
      }
      Matcher m = EVENT_ID.matcher(text.trim());
      if (!m.matches()) {
        return Optional.empty();
      }
      return Optional.of(new EventId(m.group(1), "p".equals(m.group(2)) ? Kind.POST : Kind.GET,
          Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
    }
  }

  /** A POST reply's stream (ends with the response) or a GET stream (server messages, open-ended). */
  public enum Kind { POST, GET }

  /** Why a stream cannot be resumed from an event id. */
  public enum Refusal { UNKNOWN, EXPIRED }

  private record Kept(long seq, Buffer event) {}

  private final Vertx vertx;
  private final ReplayBudget budget;
  private final String instanceTag;
  private final Map<Long, Stream> streams = new LinkedHashMap<>();
  private long bytes;

  EventStreams(Vertx vertx, ReplayBudget budget, String instanceTag) {
    this.vertx = vertx;
    this.budget = budget;
    this.instanceTag = instanceTag;
  }

  /** A new stream on {@code sink}; nothing is written yet (see {@link Stream#prime}). */
  public Stream open(Kind kind, HttpServerResponse sink) {
    Stream s = new Stream(kind, budget.nextStreamNumber(), sink);
    streams.put(s.number, s);
    if (streams.size() > MAX_FINISHED_STREAMS) {
      Iterator<Stream> it = streams.values().iterator();
      while (it.hasNext() && streams.size() > MAX_FINISHED_STREAMS) {
        Stream old = it.next();
        if (old.finished) {
          it.remove();
          old.discard();
        }
      }
    }
    return s;
  }

  /** The stream an event id of this instance names, if it is still kept and of that kind. */
  public Optional<Stream> find(EventId id) {
    Stream s = instanceTag.equals(id.instance()) ? streams.get(id.stream()) : null;
    return s != null && s.kind == id.kind() ? Optional.of(s) : Optional.empty();
  }

  /** Drops finished streams older than {@link #KEEP_FINISHED_MS}; run by the registry's sweep. */
  void expire() {
    long now = System.nanoTime();
    streams.values().removeIf(s -> {
      boolean old = s.finished && (now - s.finishedAt) / 1_000_000 > KEEP_FINISHED_MS;
      if (old) {
        s.discard();
      }
      return old;
    });
  }

  /** The session view is gone: every connection ended, every kept byte released. */
  void close() {
    new ArrayList<>(streams.values()).forEach(s -> {
      s.discard();
      s.detach();
    });
    streams.clear();
  }

  /** Bytes of events kept by this view. */
  public long keptBytes() {
    return bytes;
  }

  /** Keeps an event for replay within the bounds; false when it could not be kept (nothing up to it replays). */
  private boolean keep(Stream s, long seq, Buffer event) {
    int size = event.length();
    if (size > MAX_BYTES_PER_SESSION) {
      s.lose(seq);
      return false;
    }
    while (bytes + size > MAX_BYTES_PER_SESSION && dropOldest()) {
      // the oldest events of the session make room
    }
    if (!budget.take(size)) {
      s.lose(seq); // the instance keeps as much as it may: this event cannot be replayed
      return false;
    }
    s.kept.add(new Kept(seq, event));
    bytes += size;
    if (s.kept.size() > MAX_EVENTS_PER_STREAM) {
      s.dropFirst();
    }
    return true;
  }

  private boolean dropOldest() {
    for (Stream s : streams.values()) {
      if (!s.kept.isEmpty()) {
        s.dropFirst();
        return true;
      }
    }
    return false;
  }

  /** One stream: its id space, its kept events, the connection it writes to now, and a remote resumer's wait. */
  public final class Stream {
    private final Kind kind;
    private final long number;
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private long nextSeq = 1;
    /** Events up to this sequence number can no longer be replayed. */
    private long lostThrough;
    private HttpServerResponse sink;
    private boolean finished;
    private long finishedAt;
    /** The remote resumption that holds the stream now (null: none, or a connection here). */
    private String remoteOwner;
    private Waiting waiting;

    private record Waiting(long after, Consumer<JsonObject> answer, long timer) {}

    private Stream(Kind kind, long number, HttpServerResponse sink) {
      this.kind = kind;
      this.number = number;
      this.sink = sink;
    }

    public Kind kind() {
      return kind;
    }

    private String id(long seq) {
      return instanceTag + "." + (kind == Kind.POST ? "p" : "g") + number + "." + seq;
    }

    /**
     * The priming event (transports §Sending Messages, 6: an id and empty data, so the client can reconnect), with
     * the reconnection delay; sent first, for clients of 2025-11-25 (older ones may not expect empty data).
     */
    public void prime() {
      if (connected()) {
        sink.write("id: " + id(0) + "\nretry: " + RETRY_MS + "\ndata: \n\n");
      }
    }

    /** True while a live connection carries the stream. */
    public boolean connected() {
      return sink != null && !sink.ended() && !sink.closed();
    }

    /** True while a connection here, or a resumption on another instance, carries the stream to the client. */
    public boolean carried() {
      return connected() || remoteOwner != null;
    }

    /** The connection carrying the stream now (to check its write queue); null when none. */
    public HttpServerResponse sink() {
      return connected() ? sink : null;
    }

    /** Sends one message: kept for replay, written to the connection if one is attached. */
    public void send(JsonObject message) {
      long seq = nextSeq++;
      Buffer event = Buffer.buffer("id: " + id(seq) + "\nevent: message\ndata: " + message.encode() + "\n\n");
      boolean kept = keep(this, seq, event);
      if (connected()) {
        sink.write(event);
      }
      wake(kept ? null : event, seq);
    }

    /** Sends the POST's response and ends the stream (transports §Sending Messages: then terminate it). */
    public void finish(JsonObject response) {
      finished = true; // before the send, so a waiting remote resumer learns both at once
      finishedAt = System.nanoTime();
      send(response);
      if (connected()) {
        sink.end();
      }
    }

    public boolean finished() {
      return finished;
    }

    /**
     * A GET stream the session replaced with a newer one: it counts as finished (so it is dropped like finished
     * streams, by number and age) and stays resumable until then; {@link #revive} when it is resumed.
     */
    void retire() {
      finished = true;
      finishedAt = System.nanoTime();
    }

    /** A retired GET stream resumed: the session's GET stream again. */
    void revive() {
      finished = false;
    }

    /** Writes a keep-alive comment (finds dead connections). */
    public void keepAlive() {
      if (connected()) {
        sink.write(": keep-alive\n\n");
      }
    }

    /** Ends the connection carrying the stream, if any; the stream stays resumable. */
    public void detach() {
      if (connected()) {
        sink.end();
      }
      sink = null;
    }

    /** Why events after {@code after} cannot be replayed, or null when they can. */
    public Refusal refusal(long after) {
      if (after < 0 || after >= nextSeq) {
        return Refusal.UNKNOWN; // never issued
      }
      return after < lostThrough ? Refusal.EXPIRED : null;
    }

    /** The kept events after {@code after} (check {@link #refusal} first). */
    public List<Buffer> after(long after) {
      List<Buffer> out = new ArrayList<>();
      for (Kept k : kept) {
        if (k.seq() > after) {
          out.add(k.event());
        }
      }
      return out;
    }

    /**
     * A resumption GET here: the events after {@code after} are written to {@code response}, which then carries
     * the stream (ended at once when the stream is finished). A connection or remote resumer holding it before is
     * let go: one stream, one connection (transports §Multiple Connections).
     */
    public void resume(HttpServerResponse response, long after) {
      release();
      detach();
      after(after).forEach(response::write);
      if (finished) {
        response.end();
        return;
      }
      sink = response;
    }

    /**
     * A resumption GET on another instance asks for the events after {@code after} ({@link SessionRegistry}'s
     * replay consumer). {@code first}: the resumption starts, and takes the stream from whoever held it; a later
     * poll of a resumption that lost the stream is answered {@code superseded}. Answered at once when there are
     * events, the stream is finished or {@code waitMs} is 0, else at the next event or after {@code waitMs}.
     */
    void poll(String resumer, boolean first, long after, long waitMs, Consumer<JsonObject> answer) {
      if (first) {
        release();
        detach();
        remoteOwner = resumer;
      } else if (!resumer.equals(remoteOwner)) {
        answer.accept(new JsonObject().put("status", "superseded"));
        return;
      }
      Refusal refusal = refusal(after);
      if (refusal != null) {
        answer.accept(new JsonObject().put("status", refusal.name().toLowerCase()));
        return;
      }
      if (waitMs <= 0 || finished || !after(after).isEmpty()) {
        answer.accept(events(after));
        return;
      }
      long timer = vertx.setTimer(waitMs, t -> {
        if (waiting != null && waiting.timer() == t) {
          Waiting w = waiting;
          waiting = null;
          w.answer().accept(events(w.after()));
        }
      });
      waiting = new Waiting(after, answer, timer);
    }

    /** The answer to a remote poll: the events after {@code after} as text, the last one's sequence number. */
    private JsonObject events(long after) {
      JsonArray events = new JsonArray();
      long last = after;
      for (Kept k : kept) {
        if (k.seq() > after) {
          events.add(k.event().toString());
          last = k.seq();
        }
      }
      return new JsonObject().put("status", "ok").put("events", events).put("last", last).put("finished", finished);
    }

    /**
     * Answers a waiting remote poll with what arrived; {@code unkept} (sequence {@code seq}) is an event that was too
     * large to keep, handed over live all the same.
     */
    private void wake(Buffer unkept, long seq) {
      if (waiting != null) {
        Waiting w = waiting;
        waiting = null;
        vertx.cancelTimer(w.timer());
        JsonObject answer = events(w.after());
        if (unkept != null) {
          answer.getJsonArray("events").add(unkept.toString());
          answer.put("last", seq);
        }
        w.answer().accept(answer);
      }
    }

    /** A remote resumer loses the stream (another resumption took it, or it is discarded). */
    private void release() {
      if (waiting != null) {
        Waiting w = waiting;
        waiting = null;
        vertx.cancelTimer(w.timer());
        w.answer().accept(new JsonObject().put("status", "superseded"));
      }
      remoteOwner = null;
    }

    private void dropFirst() {
      Kept k = kept.pollFirst();
      if (k != null) {
        bytes -= k.event().length();
        budget.release(k.event().length());
        lostThrough = Math.max(lostThrough, k.seq());
      }
    }

    /** Event {@code seq} could not be kept: nothing up to it can be replayed. */
    private void lose(long seq) {
      while (!kept.isEmpty()) {
        dropFirst();
      }
      lostThrough = seq;
    }

    private void discard() {
      while (!kept.isEmpty()) {
        dropFirst();
      }
      lostThrough = nextSeq;
      release();
    }
  }
}
