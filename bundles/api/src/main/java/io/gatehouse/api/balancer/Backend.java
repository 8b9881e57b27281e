package io.gatehouse.api.balancer;

import org.osgi.annotation.versioning.ProviderType;

/** A live, read-only view of one backend. Values change as traffic flows; read each once per decision. */
@ProviderType
public interface Backend {

    /** Stable identity, {@code host:port}. */
    String id();

    String host();

    int port();

    /** The configured weight, at least 1. */
    int weight();

    /**
     * The weight in effect now: the configured weight, scaled down while the backend is in slow start. At least 1
     * while the backend is eligible.
     */
    int effectiveWeight();

    /** Concurrent requests allowed, 0 for no limit. */
    int maxConnections();

    /** A backup receives requests only when no primary backend is eligible. */
    boolean backup();

    BackendState state();

    /** Requests in flight to this backend now. */
    int activeRequests();

    /** Exponentially weighted moving average of response latency, in nanoseconds; 0 before the first response. */
    long latencyEwmaNanos();

    /**
     * Requests completed by this backend since it was registered, successful or not.
     *
     * @since 1.1.0
     */
    default long totalRequests() {
        return 0;
    }

    /**
     * Requests that failed to reach this backend or got no answer, since it was registered.
     *
     * @since 1.1.0
     */
    default long totalFailures() {
        return 0;
    }

    /**
     * Who declared this backend ({@code config}, {@code shell}, {@code cluster}...), as passed to
     * {@link LoadBalancer#addBackend}.
     *
     * @since 1.1.0
     */
    default String source() {
        return "";
    }
}
