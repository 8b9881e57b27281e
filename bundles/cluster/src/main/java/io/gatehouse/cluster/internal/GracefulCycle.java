package io.gatehouse.cluster.internal;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The sequence every planned change of a container goes through, so no request fails because of it: drain it in the
 * balancer, wait for its requests in flight, do the work (restart, update...), then re-admit it (the balancer's slow
 * start ramps its share up) and wait until the balancer sends it requests again before the caller moves on.
 */
final class GracefulCycle {

    /** The work done while the container is out of rotation. */
    interface Step {
        void run() throws Exception;
    }

    private final BalancerGate gate;
    private final LongSupplier drainMillis;
    private final LongSupplier readmitMillis;

    GracefulCycle(BalancerGate gate, LongSupplier drainMillis, LongSupplier readmitMillis) {
        this.gate = gate;
        this.drainMillis = drainMillis;
        this.readmitMillis = readmitMillis;
    }

    /** @return true when the balancer sends the container requests again at the end (or there is no balancer) */
    boolean run(AppContainer c, Consumer<String> out, Step step) throws Exception {
        int port = c.httpPort();
        String id = BalancerGate.id(port);
        c.mark(AppContainer.State.DRAINING);
        if (gate.drain(id)) {
            int left = gate.awaitIdle(id, drainMillis.getAsLong());
            out.accept(c.name + ": drained (" + id + ")" + (left > 0 ? ", " + left
                    + " request(s) still in flight after " + drainMillis.getAsLong() / 1000 + " s" : ", no request in flight"));
        } else {
            out.accept(c.name + ": " + id + " is not a backend of this gateway's balancer: nothing to drain");
        }
        boolean eligible = false;
        try {
            step.run();
        } finally {
            // re-admit what runs now (the new process, the new version, or the version rolled back to); the
            // balancer's own health checks keep it out while it is unhealthy
            gate.admit(id, port);
            if (!gate.present()) {
                eligible = true;
                out.accept(c.name + ": no balancer in this container: nothing to re-admit");
            } else if (gate.awaitEligible(id, readmitMillis.getAsLong())) {
                eligible = true;
                out.accept(c.name + ": re-admitted, receiving requests (" + gate.backend(id).map(b -> b.state().name())
                        .orElse("?") + ")");
            } else {
                out.accept(c.name + ": re-admitted, but the balancer does not send it requests yet ("
                        + gate.backend(id).map(b -> b.state().name()).orElse("unknown") + " after "
                        + readmitMillis.getAsLong() / 1000 + " s)");
            }
            if (c.process().isPresent()) {
                c.mark(AppContainer.State.RUNNING);
            }
        }
        return eligible;
    }
}
