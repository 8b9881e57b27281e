package io.gatehouse.api.balancer;

import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The balancer: the backend registry with its health state, and the active strategy. Used by the listener on every
 * request, and by the shell, the supervisor and the console to manage backends and strategies.
 */
@ProviderType
public interface LoadBalancer {

    /**
     * Selects a backend for {@code exchange} with the active strategy and takes a lease on it.
     *
     * @param excluded ids of backends already tried for this request (retries go elsewhere)
     * @return empty when no backend is eligible
     */
    Optional<Lease> acquire(Exchange exchange, Set<String> excluded);

    /** Every registered backend, in registration order. */
    List<Backend> backends();

    /** The name of the strategy in use. */
    String strategy();

    /** The names of every strategy service available now. */
    Set<String> strategies();

    /**
     * Makes {@code name} the active strategy, persistently (through Config Admin). Requests in flight finish on the
     * backend they were given.
     *
     * @throws IllegalArgumentException when no strategy of that name is available, listing those that are
     */
    void useStrategy(String name);

    /**
     * Adds a backend, or updates the one with the same id.
     *
     * @param source who declares it ({@code config}, {@code shell}, {@code cluster}...), shown in listings
     */
    void addBackend(BackendSpec spec, String source);

    /**
     * Adds a backend unless one with the same id is registered already, from whatever source, in one step: a
     * dynamic source (cluster membership) that looked at the backends a moment ago never takes over a backend
     * another source (the configuration, the supervisor) declared since.
     *
     * @param source who declares it, as for {@link #addBackend(BackendSpec, String)}
     * @return true when it was added, false when a backend with that id was there (left exactly as it was)
     */
    boolean addBackendIfAbsent(BackendSpec spec, String source);

    /** @return false when there was no backend with that id */
    boolean removeBackend(String id);

    /**
     * Removes a backend only if {@code source} declared it, in one step: a dynamic source never removes a backend
     * another source declared since it looked.
     *
     * @return false when there was no backend with that id, or another source declared it (it stays as it was)
     */
    boolean removeBackendIfFrom(String id, String source);

    /**
     * Stops sending new requests to a backend; in-flight ones finish.
     *
     * @return false when there was no backend with that id
     */
    boolean drain(String id);

    /**
     * Re-admits a drained backend, through slow start.
     *
     * @return false when there was no backend with that id
     */
    boolean enable(String id);
}
