package io.mcpgateway.model.preset;

import io.mcpgateway.model.WireEnum;

/** Who may use a preset: anyone, its owner only, or its owner and the principals it was granted to. */
public enum Visibility implements WireEnum {
  PUBLIC, PRIVATE, INVITE_ONLY
}
