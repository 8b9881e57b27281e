package io.gatehouse.api.cluster;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One container in the cluster, as it announced itself. Immutable. */
public final class ClusterMember {

    /** What a container does in the cluster. */
    public enum Role {
        /** Terminates client traffic and balances it over app members. */
        GATEWAY,
        /** Runs the application; its announced endpoint is a backend of every gateway. */
        APP
    }

    /** The announced health of a member's endpoint. */
    public enum Health {
        /** Not probed yet. */
        UNKNOWN,
        UP,
        DOWN
    }

    private final String id;
    private final String address;
    private final Role role;
    private final String endpoint;
    private final Health health;
    private final Instant since;
    private final boolean local;

    /**
     * @param id the member's cluster-unique id (a UUID)
     * @param address the member's cluster address, {@code host:port}
     * @param endpoint the HTTP endpoint an app member serves, {@code host:port}; null for a gateway
     * @param since when the member joined
     * @param local whether this is the container asking
     */
    public ClusterMember(String id, String address, Role role, String endpoint, Health health, Instant since,
            boolean local) {
        this.id = Objects.requireNonNull(id, "id");
        this.address = Objects.requireNonNull(address, "address");
        this.role = Objects.requireNonNull(role, "role");
        this.endpoint = endpoint;
        this.health = Objects.requireNonNull(health, "health");
        this.since = Objects.requireNonNull(since, "since");
        this.local = local;
    }

    public String id() {
        return id;
    }

    public String address() {
        return address;
    }

    public Role role() {
        return role;
    }

    /** The {@code host:port} an app member serves HTTP on; empty for a gateway. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public Health health() {
        return health;
    }

    public Instant since() {
        return since;
    }

    public boolean local() {
        return local;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterMember m && m.id.equals(id) && m.address.equals(address) && m.role == role
                && Objects.equals(m.endpoint, endpoint) && m.health == health && m.since.equals(since)
                && m.local == local;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, address, role, endpoint, health, since, local);
    }

    @Override
    public String toString() {
        return id + " " + address + " " + role + (endpoint == null ? "" : " " + endpoint) + " " + health;
    }
}
