package io.mcpgateway.model.preset;

import io.mcpgateway.model.WireEnum;

/** Only {@code active} presets are served; the others answer 404 on the data plane. */
public enum PresetStatus implements WireEnum {
  ACTIVE, DISABLED, ARCHIVED
}
