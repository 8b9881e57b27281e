package io.gatehouse.balancer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code io.gatehouse.balancer}. Durations take NGINX's forms ({@code 500ms}, {@code 10s},
 * {@code 1m}, {@code 1h}; a bare number is seconds).
 */
@ObjectClassDefinition(name = "Gatehouse balancer",
        description = "Backends, the balancing strategy, passive and active health checks, slow start")
public @interface BalancerConfiguration {

    String PID = "io.gatehouse.balancer";

    @AttributeDefinition(description = "Name of the balancing strategy service to use (strategy.name), for example "
            + "least-conn, round-robin, weighted-round-robin, ip-hash, p2c-ewma")
    String strategy() default "least-conn";

    @AttributeDefinition(description = "Backends, NGINX style, one per entry (or comma-separated): "
            + "'host:port [weight=N] [max_conns=N] [max_fails=N] [fail_timeout=10s] [slow_start=30s] [backup] [down]'")
    String[] backends() default {"127.0.0.1:5005", "127.0.0.1:5006"};

    @AttributeDefinition(name = "max_fails", description = "Default failures within fail_timeout that make a backend "
            + "unavailable for fail_timeout; 0 disables passive health")
    int max_fails() default 1;

    @AttributeDefinition(name = "fail_timeout", description = "Default passive-health window and unavailability time")
    String fail_timeout() default "10s";

    @AttributeDefinition(name = "slow_start", description = "Default time over which a recovered or re-enabled "
            + "backend's effective weight ramps up to its weight; 0 disables")
    String slow_start() default "0s";

    @AttributeDefinition(description = "Active health checks on")
    boolean health_enabled() default true;

    @AttributeDefinition(description = "Path requested by active health checks")
    String health_path() default "/health";

    @AttributeDefinition(description = "Time between active health checks of a backend")
    String health_interval() default "5s";

    @AttributeDefinition(description = "Connect and response timeout of one health check")
    String health_timeout() default "2s";

    @AttributeDefinition(description = "Consecutive passed checks that bring a down backend back")
    int health_healthy_threshold() default 2;

    @AttributeDefinition(description = "Consecutive failed checks that take a backend down")
    int health_unhealthy_threshold() default 3;
}
