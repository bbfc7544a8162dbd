package io.mcpgateway.model.bus;

import io.mcpgateway.model.WireEnum;

public enum Change implements WireEnum {
  CREATED, UPDATED, DELETED
}
