package io.mcpgateway.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpgateway.model.crypto.SecretBox;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdsTest {
  private final SecretBox key = SecretBox.fromBase64(SecretBox.generateKey());
  private final TaskIds.Task task = new TaskIds.Task(UUID.randomUUID(), UUID.randomUUID(), "ip:10.0.0.7 s1", "up-42",
      "session-abc");

  @Test
  void an_id_opens_on_any_instance_sharing_the_key_to_the_same_task() {
    String id = new TaskIds(key).issue(task).orElseThrow();
    assertThat(new TaskIds(key).open(id)).contains(task);
    assertThat(id).doesNotContain("up-42").doesNotContain("session-abc");
    TaskIds.Task sessionless = new TaskIds.Task(task.presetId(), task.serverId(), "owner", "t", null);
    assertThat(new TaskIds(key).open(new TaskIds(key).issue(sessionless).orElseThrow())).contains(sessionless);
  }

  @Test
  void forged_altered_foreign_and_oversized_ids_do_not_open() {
    TaskIds ids = new TaskIds(key);
    String id = ids.issue(task).orElseThrow();
    char last = id.charAt(id.length() - 3);
    assertThat(ids.open(id.substring(0, id.length() - 3) + (last == 'A' ? 'B' : 'A') + id.substring(id.length() - 2))).isEmpty();
    assertThat(new TaskIds(SecretBox.fromBase64(SecretBox.generateKey())).open(id)).isEmpty();
    assertThat(ids.open("not a task")).isEmpty();
    assertThat(ids.open("")).isEmpty();
    assertThat(ids.open(null)).isEmpty();
    assertThat(ids.open("A".repeat(TaskIds.MAX_ID_CHARS + 1))).isEmpty();
    assertThat(ids.issue(new TaskIds.Task(task.presetId(), task.serverId(), "o", "t".repeat(TaskIds.MAX_UPSTREAM_CHARS + 1),
        null))).isEmpty();
  }
}
