package io.mcpgateway.management.http;

import io.mcpgateway.model.GatewayException;
import io.mcpgateway.model.identity.Caller;
import java.util.UUID;

/** Owners manage their own resources, admins manage all; anything else is "not found" (no existence leak). */
public final class Ownership {
  private Ownership() {}

  public static boolean manages(Caller caller, UUID ownerId) {
    return caller.isAdmin() || caller.principalId().map(ownerId::equals).orElse(false);
  }

  public static void require(Caller caller, UUID ownerId, String what) {
    if (!manages(caller, ownerId)) {
      throw GatewayException.notFound(what);
    }
  }

  public static UUID self(Caller caller) {
    return caller.principalId().orElseThrow();
  }
}
