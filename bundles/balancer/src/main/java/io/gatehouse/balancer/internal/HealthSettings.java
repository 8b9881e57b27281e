package io.gatehouse.balancer.internal;

/** Active health check settings, validated. */
record HealthSettings(boolean enabled, String path, long intervalNanos, long timeoutNanos, int healthyThreshold,
        int unhealthyThreshold) {

    HealthSettings {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("health.path '" + path + "' must start with /");
        }
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("health.interval must be positive");
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("health.timeout must be positive");
        }
        if (healthyThreshold < 1) {
            throw new IllegalArgumentException("health.healthy.threshold must be at least 1, was " + healthyThreshold);
        }
        if (unhealthyThreshold < 1) {
            throw new IllegalArgumentException(
                    "health.unhealthy.threshold must be at least 1, was " + unhealthyThreshold);
        }
    }

    static HealthSettings from(BalancerConfiguration c) {
        return new HealthSettings(c.health_enabled(), c.health_path(),
                Durations.parseNanos(c.health_interval(), "health.interval"),
                Durations.parseNanos(c.health_timeout(), "health.timeout"), c.health_healthy_threshold(),
                c.health_unhealthy_threshold());
    }
}
