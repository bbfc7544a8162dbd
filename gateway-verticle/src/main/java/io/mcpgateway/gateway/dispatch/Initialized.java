package io.mcpgateway.gateway.dispatch;

import io.vertx.core.json.JsonObject;

/** What {@code initialize} settled: the negotiated version, what the client said about itself, and the result to send. */
public record Initialized(String protocolVersion, JsonObject clientInfo, JsonObject clientCapabilities, JsonObject result) {}
