package io.mcpgateway.model.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mcpgateway.model.ErrorCode;
import io.mcpgateway.model.FieldError;
import io.mcpgateway.model.GatewayException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresetRulesTest {
  private static List<FieldError> errors(Runnable r) {
    GatewayException e = catchThrowableOfType(GatewayException.class, r::run);
    assertThat(e).as("expected a validation failure").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
    return e.fieldErrors();
  }

  @Test
  void slug_accepts_3_and_50_characters_and_rejects_2_and_51() {
    assertThatCode(() -> PresetRules.validate("abc", "n", null, null)).doesNotThrowAnyException();
    assertThatCode(() -> PresetRules.validate("a".repeat(50), "n", null, null)).doesNotThrowAnyException();
    assertThat(errors(() -> PresetRules.validate("ab", "n", null, null)))
        .extracting(FieldError::field).containsExactly("slug");
    assertThat(errors(() -> PresetRules.validate("a".repeat(51), "n", null, null)))
        .extracting(FieldError::field).containsExactly("slug");
  }

  @Test
  void slug_allows_only_lowercase_digits_and_inner_hyphens() {
    assertThatCode(() -> PresetRules.validate("my-preset-2", "n", null, null)).doesNotThrowAnyException();
    for (String bad : List.of("My-Preset", "my_preset", "-leading", "trailing-", "spa ce", "ünï", "a/b")) {
      List<FieldError> e = errors(() -> PresetRules.validate(bad, "n", null, null));
      assertThat(e).singleElement().satisfies(f -> {
        assertThat(f.field()).isEqualTo("slug");
        assertThat(f.reason()).contains("3-50 characters of a-z, 0-9 and '-'").contains("\"" + bad + "\"");
      });
    }
  }

  @Test
  void name_must_be_1_to_100_characters_and_not_blank() {
    assertThatCode(() -> PresetRules.validate("abc", "x", null, null)).doesNotThrowAnyException();
    assertThatCode(() -> PresetRules.validate("abc", "x".repeat(100), null, null)).doesNotThrowAnyException();
    assertThat(errors(() -> PresetRules.validate("abc", "", null, null))).extracting(FieldError::field).containsExactly("name");
    assertThat(errors(() -> PresetRules.validate("abc", "   ", null, null))).extracting(FieldError::field).containsExactly("name");
    assertThat(errors(() -> PresetRules.validate("abc", null, null, null))).extracting(FieldError::field).containsExactly("name");
    assertThat(errors(() -> PresetRules.validate("abc", "x".repeat(101), null, null)))
        .singleElement().extracting(FieldError::reason).asString().contains("1-100 characters").contains("101");
  }

  @Test
  void description_may_have_500_characters_but_not_501() {
    assertThatCode(() -> PresetRules.validate("abc", "n", "d".repeat(500), null)).doesNotThrowAnyException();
    assertThat(errors(() -> PresetRules.validate("abc", "n", "d".repeat(501), null)))
        .extracting(FieldError::field).containsExactly("description");
  }

  @Test
  void every_invalid_field_is_reported_at_once() {
    assertThat(errors(() -> PresetRules.validate("A", "", "d".repeat(501), 0)))
        .extracting(FieldError::field).containsExactly("slug", "name", "description", "rateLimitPerMinute");
  }

  @Test
  void allowed_tools_take_100_names_of_up_to_128_characters() {
    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add("tool_" + i);
    }
    assertThatCode(() -> PresetRules.validateAllowedTools(hundred)).doesNotThrowAnyException();
    assertThatCode(() -> PresetRules.validateAllowedTools(List.of("t".repeat(128)))).doesNotThrowAnyException();
    assertThatCode(() -> PresetRules.validateAllowedTools(List.of())).doesNotThrowAnyException();

    List<String> hundredOne = new ArrayList<>(hundred);
    hundredOne.add("one_more");
    assertThat(errors(() -> PresetRules.validateAllowedTools(hundredOne)))
        .extracting(FieldError::field).containsExactly("allowedToolNames");
    assertThat(errors(() -> PresetRules.validateAllowedTools(List.of("ok", "t".repeat(129)))))
        .extracting(FieldError::field).containsExactly("allowedToolNames[1]");
    assertThat(errors(() -> PresetRules.validateAllowedTools(List.of("dup", "dup"))))
        .singleElement().extracting(FieldError::reason).asString().contains("twice");
    assertThat(errors(() -> PresetRules.validateAllowedTools(Collections.singletonList(null))))
        .extracting(FieldError::field).containsExactly("allowedToolNames[0]");
  }

  @Test
  void twenty_servers_are_allowed_and_the_twenty_first_is_a_rule_violation() {
    assertThatCode(() -> PresetRules.checkServerCount(20)).doesNotThrowAnyException();
    GatewayException e = catchThrowableOfType(GatewayException.class, () -> PresetRules.checkServerCount(21));
    assertThat(e.code()).isEqualTo(ErrorCode.RULE_VIOLATION);
    assertThat(e.code().httpStatus()).isEqualTo(422);
    assertThat(e.getMessage()).contains("at most 20 servers");
  }

  @Test
  void rate_limit_must_be_positive() {
    assertThatCode(() -> PresetRules.validate("abc", "n", null, 1)).doesNotThrowAnyException();
    assertThat(errors(() -> PresetRules.validate("abc", "n", null, -5)))
        .extracting(FieldError::field).containsExactly("rateLimitPerMinute");
  }
}
