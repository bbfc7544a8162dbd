package io.mcpgateway.model.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ToolCallBatchTest {
  @Test
  void a_batch_crosses_the_wire_to_another_node_intact() {
    var at = Instant.parse("2026-12-02T07:00:00.123456Z");
    var batch = new ToolCallBatch(List.of(
        new ToolCallRecorded(UUID.randomUUID(), UUID.randomUUID(), "echo", "ip:10.0.0.1", true, 12, null, at),
        new ToolCallRecorded(UUID.randomUUID(), null, "fail", "3b1c", false, 0, "tool returned isError", at)));
    Buffer wire = Buffer.buffer("header");
    ToolCallBatch.CODEC.encodeToWire(wire, batch);
    assertThat(ToolCallBatch.CODEC.decodeFromWire("header".length(), wire)).isEqualTo(batch);
  }

  @Test
  void within_a_node_the_batch_is_handed_over_as_is() {
    var batch = new ToolCallBatch(List.of());
    assertThat(ToolCallBatch.CODEC.transform(batch)).isSameAs(batch);
  }
}
