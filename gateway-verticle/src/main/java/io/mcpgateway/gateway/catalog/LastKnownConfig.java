package io.mcpgateway.gateway.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mcpgateway.model.preset.Preset;
import io.mcpgateway.model.server.UpstreamServer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Stale-if-error: the last value read of each preset (by slug) and server (by id), kept for {@code staleFor},
 * answered while PostgreSQL is unreachable. One per node, shared by the gateway instances (Caffeine is
 * thread-safe and the values are immutable records), so whichever instance a request lands on can serve it.
 */
public final class LastKnownConfig {
  final Cache<String, Optional<Preset>> presets;
  final Cache<UUID, Optional<UpstreamServer>> servers;

  public LastKnownConfig(Duration staleFor) {
    this.presets = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(staleFor).build();
    this.servers = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(staleFor).build();
  }
}
