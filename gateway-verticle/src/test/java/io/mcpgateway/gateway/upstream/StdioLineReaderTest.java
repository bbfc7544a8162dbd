package io.mcpgateway.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** stdio lines are bounded while they are read, not after a whole line was buffered. */
class StdioLineReaderTest {
  @Test
  void a_line_over_the_bound_is_skipped_as_it_streams_and_the_next_line_is_read() throws Exception {
    List<String> lines = new ArrayList<>();
    int[] tooLarge = {0};
    byte[] mb = "x".repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8);
    List<InputStream> parts = new ArrayList<>();
    parts.add(new ByteArrayInputStream("{\"a\":1}\r\n".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < 50; i++) {
      parts.add(new ByteArrayInputStream(mb));
    }
    parts.add(new ByteArrayInputStream("\n{\"b\":\"\u00e9\"}\n".getBytes(StandardCharsets.UTF_8)));
    new StdioTransport.LineReader(64 * 1024, lines::add, () -> tooLarge[0]++)
        .readAll(new SequenceInputStream(Collections.enumeration(parts)));
    assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":\"\u00e9\"}");
    assertThat(tooLarge[0]).isEqualTo(1);
  }
}
