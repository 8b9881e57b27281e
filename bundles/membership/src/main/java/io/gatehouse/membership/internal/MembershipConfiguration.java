package io.gatehouse.membership.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Gatehouse cluster membership",
        description = "How this container joins the Hazelcast cluster of Gatehouse containers (TCP-IP join only)")
public @interface MembershipConfiguration {

    String PID = "io.gatehouse.membership";

    @AttributeDefinition(name = "Cluster name", description = "Containers join only a cluster of the same name")
    String cluster_name() default "gatehouse";

    @AttributeDefinition(name = "Members",
            description = "TCP-IP join list: host:port (or host, meaning port 5701) of members to contact; every "
                    + "entry must resolve. Include this container's own address on every machine")
    String[] members() default {"127.0.0.1:5701"};

    @AttributeDefinition(name = "Bind interface",
            description = "The address the cluster port listens on and announces. 127.0.0.1 keeps the cluster on "
                    + "this machine; set the machine's LAN address to span machines")
    String bind_interface() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "Cluster port; the next free one of port..port+port.count-1 is used")
    int port() default 5701;

    @AttributeDefinition(name = "Port count", description = "How many ports from 'port' on may be tried")
    int port_count() default 10;

    @AttributeDefinition(name = "Role", description = "gateway: feeds app members into its balancer; app: announces its endpoint",
            options = {@Option(label = "gateway", value = "gateway"), @Option(label = "app", value = "app")})
    String role() default "gateway";

    @AttributeDefinition(name = "Announced endpoint",
            description = "host:port an app container announces as its HTTP endpoint; empty means the bind "
                    + "interface and org.osgi.service.http.port", required = false)
    String endpoint() default "";

    @AttributeDefinition(name = "Health path", description = "Path an app member probes on its own endpoint")
    String health_path() default "/health";

    @AttributeDefinition(name = "Announce interval (ms)",
            description = "How often an app member probes its health and renews its announcement; the "
                    + "announcement expires after three intervals without renewal")
    long announce_interval_ms() default 2000;

    @AttributeDefinition(name = "Heartbeat timeout (s)",
            description = "hazelcast.max.no.heartbeat.seconds: a silent member is removed after this long")
    int heartbeat_timeout_s() default 10;

    @AttributeDefinition(name = "Minimum members for shared counters",
            description = "Below this many members (a partition), shared rate-limit state is unavailable and "
                    + "limiters fall back to local limits. 1 never falls back while this member runs")
    int counters_min_members() default 1;

    @AttributeDefinition(name = "Shared counter timeout (ms)",
            description = "A shared counter operation that takes longer fails, and the limiter decides locally")
    long counters_timeout_ms() default 500;
}
