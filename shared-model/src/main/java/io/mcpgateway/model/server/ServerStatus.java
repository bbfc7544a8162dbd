package io.mcpgateway.model.server;

import io.mcpgateway.model.WireEnum;

public enum ServerStatus implements WireEnum {
  ACTIVE, DISABLED
}
