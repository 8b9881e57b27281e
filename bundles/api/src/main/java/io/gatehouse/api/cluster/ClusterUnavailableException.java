package io.gatehouse.api.cluster;

/**
 * The shared store could not answer: this member is not in a cluster that meets the configured minimum size (a
 * network partition), or the operation timed out. Callers fall back to their local state.
 */
public class ClusterUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public ClusterUnavailableException(String message) {
        super(message);
    }
}
