package io.mcpgateway.gateway.upstream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The upstream gauges of a node: every gateway instance's pool reports into the one of its meter registry, so a
 * scrape sees the whole node, not the instance that happened to register a gauge first (Micrometer keeps the first
 * gauge of a name and tags). Connections are summed over the instances; a server's circuit state is the worst any
 * instance holds (2 open, 1 half-open, 0 closed). Thread-safe: pools write their own atomics on their contexts, the
 * scrape thread only reads.
 */
final class PoolGauges {
  private static final Map<MeterRegistry, PoolGauges> BY_REGISTRY = new ConcurrentHashMap<>();

  /** One pool's share: its counts and its per-server breaker states. */
  static final class Share {
    final AtomicLong sharedOpen = new AtomicLong();
    final AtomicLong isolatedOpen = new AtomicLong();
    /** (server, URI) resource subscriptions the pool holds upstream. */
    final AtomicLong subscriptions = new AtomicLong();
    private final Map<String, AtomicInteger> circuits = new ConcurrentHashMap<>();
    private final PoolGauges gauges;

    private Share(PoolGauges gauges) {
      this.gauges = gauges;
    }

    /** The state number of {@code slug} on this pool, its gauge registered on first use. */
    AtomicInteger circuit(String slug) {
      return circuits.computeIfAbsent(slug, s -> {
        if (gauges != null) {
          gauges.registerCircuit(s);
        }
        return new AtomicInteger();
      });
    }

    /** The pool stopped: its connections and breakers no longer count. */
    void leave() {
      if (gauges != null) {
        gauges.shares.remove(this);
      }
    }
  }

  private final MeterRegistry registry;
  private final Set<Share> shares = ConcurrentHashMap.newKeySet();
  private final Set<String> circuitGauges = ConcurrentHashMap.newKeySet();

  private PoolGauges(MeterRegistry registry) {
    this.registry = registry;
    gauge("mgw_upstream_connections", "Open shared upstream connections on this node (all gateway instances)",
        g -> g.sum(s -> s.sharedOpen.get()));
    gauge("mgw_upstream_isolated_sessions",
        "Open upstream sessions owned by one downstream session (callers declaring client capabilities), on this node",
        g -> g.sum(s -> s.isolatedOpen.get()));
    gauge("mgw_upstream_resource_subscriptions",
        "Resource subscriptions (server, URI) held upstream for clients, on this node (all gateway instances)",
        g -> g.sum(s -> s.subscriptions.get()));
  }

  /** A new share of the node's gauges in {@code registry}; with no registry (metrics off) a share nobody reads. */
  static Share join(MeterRegistry registry) {
    if (registry == null) {
      return new Share(null);
    }
    PoolGauges gauges = BY_REGISTRY.computeIfAbsent(registry, PoolGauges::new);
    Share share = new Share(gauges);
    gauges.shares.add(share);
    return share;
  }

  private void gauge(String name, String description, ToDoubleFunction<PoolGauges> value) {
    Gauge.builder(name, this, value).description(description).strongReference(true).register(registry);
  }

  private void registerCircuit(String slug) {
    if (circuitGauges.add(slug)) {
      Gauge.builder("mgw_upstream_circuit_state", this, g -> g.worstCircuit(slug))
          .description("Circuit breaker state per upstream, the worst over this node's gateway instances: "
              + "0 closed, 1 half-open, 2 open")
          .tag("server", slug).strongReference(true).register(registry);
    }
  }

  private double sum(java.util.function.ToLongFunction<Share> of) {
    long total = 0;
    for (Share s : shares) {
      total += of.applyAsLong(s);
    }
    return total;
  }

  private double worstCircuit(String slug) {
    int worst = 0;
    for (Share s : shares) {
      AtomicInteger state = s.circuits.get(slug);
      if (state != null) {
        worst = Math.max(worst, state.get());
      }
    }
    return worst;
  }
}
