package io.gatehouse.api.balancer;

import java.util.Objects;

/** How an operator or the cluster declares a backend: address, weight, connection limit, backup flag. */
public final class BackendSpec {

    private final String host;
    private final int port;
    private final int weight;
    private final int maxConnections;
    private final boolean backup;
    /** Built once: the proxy and the pools look backends up by id on every request. */
    private final String id;

    /**
     * @throws IllegalArgumentException naming the bad value when the host is blank, the port is not 1-65535, the
     *     weight is below 1 or the connection limit is negative
     */
    public BackendSpec(String host, int port, int weight, int maxConnections, boolean backup) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("backend host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("backend port must be 1-65535, was " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("backend weight must be at least 1, was " + weight);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("backend max connections must be 0 (no limit) or more, was " + maxConnections);
        }
        this.host = host;
        this.port = port;
        this.weight = weight;
        this.maxConnections = maxConnections;
        this.backup = backup;
        this.id = host + ":" + port;
    }

    public static BackendSpec of(String host, int port) {
        return new BackendSpec(host, port, 1, 0, false);
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int weight() {
        return weight;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public boolean backup() {
        return backup;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendSpec s && s.host.equals(host) && s.port == port && s.weight == weight
                && s.maxConnections == maxConnections && s.backup == backup;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, weight, maxConnections, backup);
    }

    @Override
    public String toString() {
        return id() + " weight=" + weight + " max_conns=" + maxConnections + (backup ? " backup" : "");
    }
}
