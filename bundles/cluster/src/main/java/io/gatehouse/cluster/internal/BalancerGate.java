package io.gatehouse.cluster.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.LoadBalancer;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The supervisor's side of the balancer: takes a container out of rotation, waits for its requests in flight,
 * re-admits it (the balancer applies slow start) and waits until it is eligible again. Without a balancer in this
 * container every step is a no-op, so restarts still work (only not gracefully).
 */
final class BalancerGate {

    static final String SOURCE = "supervisor";
    private static final long POLL_MILLIS = 100;

    private final Supplier<LoadBalancer> balancer;

    BalancerGate(Supplier<LoadBalancer> balancer) {
        this.balancer = balancer;
    }

    static String id(int port) {
        return "127.0.0.1:" + port;
    }

    boolean present() {
        return balancer.get() != null;
    }

    Optional<Backend> backend(String id) {
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            return Optional.empty();
        }
        return lb.backends().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** @return true when the balancer had that backend (and now drains it) */
    boolean drain(String id) {
        LoadBalancer lb = balancer.get();
        return lb != null && lb.drain(id);
    }

    /**
     * Waits until the backend has no request in flight.
     *
     * @return the requests still in flight when the timeout passed (0: idle)
     */
    int awaitIdle(String id, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            int active = backend(id).map(Backend::activeRequests).orElse(0);
            if (active == 0 || System.currentTimeMillis() >= deadline) {
                return active;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Re-admits a drained backend (slow start), or adds it when the balancer does not know it yet. */
    void admit(String id, int port) {
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            return;
        }
        if (!lb.enable(id)) {
            lb.addBackend(BackendSpec.of("127.0.0.1", port), SOURCE);
        }
    }

    /**
     * Waits until the balancer sends the backend requests again: its own health checks passed (UP, or SLOW_START
     * while its share ramps up).
     *
     * @return true when eligible before the timeout (or no balancer here)
     */
    boolean awaitEligible(String id, long timeoutMillis) throws InterruptedException {
        if (!present()) {
            return true;
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            BackendState state = backend(id).map(Backend::state).orElse(null);
            if (state == BackendState.UP || state == BackendState.SLOW_START) {
                return true;
            }
            if (System.currentTimeMillis() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Takes a removed container's endpoint out of the balancer. */
    boolean remove(String id) {
        LoadBalancer lb = balancer.get();
        return lb != null && lb.removeBackend(id);
    }
}
