package io.mcpgateway.app;

import com.hazelcast.config.Config;
import io.mcpgateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Creates the node's Vert.x: plain, or clustered over Hazelcast with TCP/IP members or Kubernetes discovery
 * (DNS lookup of a headless service), never multicast.
 */
final class Cluster {
  private Cluster() {}

  static Vertx vertx(GatewayConfig config, VertxOptions options) {
    if (!config.cluster().enabled()) {
      return Vertx.vertx(options);
    }
    var cluster = config.cluster();
    Config hz = new Config();
    hz.setClusterName("mcp-gateway");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    var network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    if (!cluster.host().isEmpty()) {
      network.setPublicAddress(cluster.host());
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
      options.getEventBusOptions().setHost(cluster.host());
    }
    var join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesServiceDns().isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    } else {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(cluster.port()));
    }
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered().await();
  }
}
