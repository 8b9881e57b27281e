package io.gatehouse.api.balancer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One request's hold on a backend, from selection until the response ends. Exactly one of {@link #succeeded},
 * {@link #failed} must be called, once; the backend's active-request count drops then.
 */
@ProviderType
public interface Lease {

    Backend backend();

    /** The backend answered (any HTTP status) after {@code latencyNanos}. */
    void succeeded(int status, long latencyNanos);

    /**
     * The backend could not be reached or did not answer: counts toward its passive failure limit.
     *
     * @param cause what went wrong, for the log and the metrics
     */
    void failed(Throwable cause);
}
