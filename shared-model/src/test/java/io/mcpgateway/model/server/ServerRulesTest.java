package io.mcpgateway.model.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerRulesTest {
  private static List<String> fields(Runnable r) {
    GatewayException e = catchThrowableOfType(GatewayException.class, r::run);
    assertThat(e).as("expected a validation failure").isNotNull();
    return e.fieldErrors().stream().map(FieldError::field).toList();
  }

  @Test
  void http_servers_need_an_http_url_without_credentials() {
    assertThatCode(() -> ServerRules.validate("docs", "Docs", Transport.STREAMABLE_HTTP, "https://mcp.example.com/mcp",
        null, List.of(), UpstreamSecrets.NONE)).doesNotThrowAnyException();
    assertThat(fields(() -> ServerRules.validate("docs", "Docs", Transport.SSE, null, null, List.of(), UpstreamSecrets.NONE)))
        .containsExactly("url");
    assertThat(fields(() -> ServerRules.validate("docs", "Docs", Transport.SSE, "file:///etc/passwd", null, List.of(),
        UpstreamSecrets.NONE))).containsExactly("url");
    assertThat(fields(() -> ServerRules.validate("docs", "Docs", Transport.STREAMABLE_HTTP, "https://u:p@example.com/",
        null, List.of(), UpstreamSecrets.NONE))).containsExactly("url");
  }

  @Test
  void stdio_servers_need_a_command_and_no_url() {
    assertThatCode(() -> ServerRules.validate("files", "Files", Transport.STDIO, null, "npx", List.of("-y", "x"),
        new UpstreamSecrets(Map.of(), Map.of("API_TOKEN", "t")))).doesNotThrowAnyException();
    assertThat(fields(() -> ServerRules.validate("files", "Files", Transport.STDIO, "http://x", null, List.of(),
        UpstreamSecrets.NONE))).containsExactly("command", "url");
  }

  @Test
  void header_names_and_values_must_be_safe_to_send() {
    assertThat(fields(() -> ServerRules.validate("docs", "Docs", Transport.STREAMABLE_HTTP, "https://example.com",
        null, List.of(), new UpstreamSecrets(Map.of("Bad Header", "x", "X-Ok", "a\r\nInjected: 1"), Map.of()))))
        .containsExactlyInAnyOrder("headers.Bad Header", "headers.X-Ok");
  }
}
