package io.mcpgateway.model.identity;

import io.vertx.core.Future;

/**
 * Establishes the {@link Caller} of a request from its {@code Authorization} header. No header → an
 * anonymous caller. A header that is present but invalid (unknown, revoked or expired key; bad token)
 * fails with a {@link io.mcpgateway.model.GatewayException} of code UNAUTHORIZED — never anonymous.
 * Used by both the data plane and the management API.
 */
public interface Authenticator {
  Future<Caller> authenticate(String authorizationHeader, String clientIp);
}
