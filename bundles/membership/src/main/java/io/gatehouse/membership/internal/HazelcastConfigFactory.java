package io.gatehouse.membership.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;

/**
 * Builds the Hazelcast configuration from validated settings: TCP-IP join only (multicast and auto-detection off),
 * bound to one interface, phone-home off, failure detection tuned to seconds rather than Hazelcast's minute.
 */
public final class HazelcastConfigFactory {

    /** The map of announced members, keyed by member UUID. */
    public static final String MEMBERS_MAP = "gatehouse.members";
    /** The map of cluster-wide settings, see {@code docs/cluster.md}. */
    public static final String SETTINGS_MAP = "gatehouse.settings";
    /** The map of shared rate-limit state. */
    public static final String COUNTERS_MAP = "gatehouse.counters";

    private HazelcastConfigFactory() {
    }

    public static Config create(MemberSettings settings, ClassLoader classLoader) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("gatehouse-" + settings.clusterName() + "-" + settings.role().name().toLowerCase());
        // Hazelcast resolves user classes through this loader; in OSGi it must be the bundle's
        config.setClassLoader(classLoader);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        // a killed member is noticed by its closed connection within seconds; a silent one after this timeout
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(settings.heartbeatTimeoutSeconds()));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.operation.call.timeout.millis", "5000");
        config.setProperty("hazelcast.jmx", "false");
        // join in about a second instead of five when the other members are already there
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        config.getJetConfig().setEnabled(false);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(settings.portCount() > 1).setPortCount(settings.portCount());
        network.getInterfaces().setEnabled(true).addInterface(settings.bindInterface());
        network.setPublicAddress(null);
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        settings.members().forEach(member -> join.getTcpIpConfig().addMember(member.toString()));

        config.addMapConfig(new MapConfig(MEMBERS_MAP).setBackupCount(1));
        config.addMapConfig(new MapConfig(SETTINGS_MAP).setBackupCount(1));
        config.addMapConfig(new MapConfig(COUNTERS_MAP).setBackupCount(1));
        return config;
    }
}
