package io.gatehouse.membership.internal;

import io.gatehouse.api.cluster.ClusterMember.Role;
import io.gatehouse.util.config.ConfigValues;
import io.gatehouse.util.config.ConfigValues.Entries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.lang.reflect.Proxy;

/**
 * The membership configuration, validated: every problem is reported with the value that caused it, before anything
 * is started or changed.
 */
public record MemberSettings(String clusterName, List<HostPort> members, String bindInterface, int port, int portCount,
        Role role, HostPort endpoint, String healthPath, Duration announceInterval, int heartbeatTimeoutSeconds,
        int countersMinMembers, Duration countersTimeout) {

    static final int DEFAULT_PORT = 5701;

    /**
     * @param httpPort the container's HTTP port, the default endpoint port of an app member
     * @throws IllegalArgumentException naming the first bad value
     */
    static MemberSettings from(MembershipConfiguration config, int httpPort) {
        String clusterName = config.cluster_name() == null ? "" : config.cluster_name().trim();
        if (clusterName.isEmpty()) {
            throw new IllegalArgumentException("cluster.name must not be empty");
        }
        List<HostPort> members = new ArrayList<>();
        // a single value may also hold a comma-separated list, as .cfg files often do; each entry is named in errors
        // as written, so HostPort trims it
        for (String entry : ConfigValues.split(config.members(), ConfigValues.COMMA, Entries.DROP_BLANK_KEEP)) {
            members.add(HostPort.parse(entry, DEFAULT_PORT, "member address").resolvable("member address"));
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members must list at least one host:port to join");
        }
        String bind = config.bind_interface() == null ? "" : config.bind_interface().trim();
        if (bind.isEmpty()) {
            throw new IllegalArgumentException("bind.interface must not be empty");
        }
        // Hazelcast's interface list takes addresses, not names
        bind = HostPort.parse(bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]:1" : bind + ":1", 0,
                "bind interface").resolvable("bind interface").address();
        int port = config.port();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (config.port_count() < 1 || port + config.port_count() - 1 > 65535) {
            throw new IllegalArgumentException("port.count must be at least 1 and keep ports under 65536, was "
                    + config.port_count());
        }
        Role role = role(config.role());
        String endpointText = config.endpoint() == null ? "" : config.endpoint().trim();
        HostPort endpoint = endpointText.isEmpty()
                ? new HostPort(bind, httpPort)
                : HostPort.parse(endpointText, 0, "endpoint").resolvable("endpoint");
        String healthPath = config.health_path() == null || config.health_path().isBlank() ? "/health"
                : config.health_path().trim();
        if (!healthPath.startsWith("/")) {
            throw new IllegalArgumentException("health.path must start with '/', was '" + healthPath + "'");
        }
        if (config.announce_interval_ms() < 100) {
            throw new IllegalArgumentException("announce.interval.ms must be at least 100, was "
                    + config.announce_interval_ms());
        }
        if (config.heartbeat_timeout_s() < 2) {
            throw new IllegalArgumentException("heartbeat.timeout.s must be at least 2, was " + config.heartbeat_timeout_s());
        }
        if (config.counters_min_members() < 1) {
            throw new IllegalArgumentException("counters.min.members must be at least 1, was "
                    + config.counters_min_members());
        }
        if (config.counters_timeout_ms() < 1) {
            throw new IllegalArgumentException("counters.timeout.ms must be at least 1, was " + config.counters_timeout_ms());
        }
        return new MemberSettings(clusterName, List.copyOf(members), bind, port, config.port_count(), role, endpoint,
                healthPath, Duration.ofMillis(config.announce_interval_ms()), config.heartbeat_timeout_s(),
                config.counters_min_members(), Duration.ofMillis(config.counters_timeout_ms()));
    }

    /**
     * Settings from configuration properties as they appear in {@code etc/io.gatehouse.membership.cfg}, for a
     * member started outside OSGi; absent properties take their defaults.
     */
    public static MemberSettings from(Map<String, ?> properties, int httpPort) {
        MembershipConfiguration config = (MembershipConfiguration) Proxy.newProxyInstance(
                MembershipConfiguration.class.getClassLoader(), new Class<?>[] {MembershipConfiguration.class},
                (proxy, method, args) -> {
                    Object value = properties.get(method.getName().replace('_', '.'));
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    Class<?> type = method.getReturnType();
                    String text = value.toString();
                    if (type == int.class) {
                        return Integer.parseInt(text.trim());
                    } else if (type == long.class) {
                        return Long.parseLong(text.trim());
                    } else if (type == String[].class) {
                        // from() splits each value on commas
                        return value instanceof String[] array ? array : new String[] {text};
                    }
                    return text;
                });
        return from(config, httpPort);
    }

    private static Role role(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "gateway" -> Role.GATEWAY;
            case "app" -> Role.APP;
            default -> throw new IllegalArgumentException("role must be 'gateway' or 'app', was '" + value + "'");
        };
    }
}
