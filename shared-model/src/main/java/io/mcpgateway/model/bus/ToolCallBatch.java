package io.mcpgateway.model.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool calls one data-plane instance recorded since its last flush, sent to the metrics verticle as one
 * message. Within a node it is handed over as the object itself (no encoding: a per-call JSON event and its
 * cross-thread delivery cost about a tenth of a proxied call, docs/PERFORMANCE.md); to a metrics verticle on
 * another node it travels as a JSON array of {@link ToolCallRecorded#toJson()} events.
 */
public record ToolCallBatch(List<ToolCallRecorded> calls) {
  public ToolCallBatch {
    calls = List.copyOf(calls);
  }

  /** Registers the codec on this Vert.x instance's event bus (senders and receivers alike); idempotent. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(ToolCallBatch.class, CODEC);
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this node registered it first
    }
  }

  static final MessageCodec<ToolCallBatch, ToolCallBatch> CODEC = new MessageCodec<>() {
    @Override
    public void encodeToWire(Buffer buffer, ToolCallBatch batch) {
      JsonArray events = new JsonArray(new ArrayList<>(batch.calls().size()));
      batch.calls().forEach(c -> events.add(c.toJson()));
      Buffer encoded = events.toBuffer();
      buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public ToolCallBatch decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      JsonArray events = new JsonArray(buffer.slice(pos + 4, pos + 4 + length));
      List<ToolCallRecorded> calls = new ArrayList<>(events.size());
      for (Object event : events) {
        calls.add(ToolCallRecorded.fromJson((JsonObject) event));
      }
      return new ToolCallBatch(calls);
    }

    @Override
    public ToolCallBatch transform(ToolCallBatch batch) {
      return batch; // immutable
    }

    @Override
    public String name() {
      return "mgw.ToolCallBatch.v1";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  };
}
