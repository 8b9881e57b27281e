package io.gatehouse.balancer.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.Lease;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** One request's hold on a backend; the first of succeeded / failed releases it, later calls change nothing. */
final class BackendLease implements Lease {

    private static final AtomicIntegerFieldUpdater<BackendLease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(BackendLease.class, "released");

    private final ManagedBackend backend;
    private final BackendPool pool;
    private volatile int released;

    BackendLease(ManagedBackend backend, BackendPool pool) {
        this.backend = backend;
        this.pool = pool;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void succeeded(int status, long latencyNanos) {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            backend.succeeded(latencyNanos);
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            pool.failed(backend, cause);
        }
    }

    @Override
    public String toString() {
        return "lease on " + backend.id();
    }
}
