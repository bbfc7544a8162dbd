package io.mcpgateway.model;

import io.mcpgateway.config.GatewayConfig;
import io.mcpgateway.model.crypto.SecretBox;
import io.mcpgateway.model.db.PgSettings;

/**
 * What every verticle of a node is given at deployment: the validated configuration, the resolved
 * database (configured or embedded) and the key that seals upstream secrets.
 */
public record NodeSettings(GatewayConfig config, PgSettings pg, SecretBox secrets) {}
