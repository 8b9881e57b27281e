package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendState;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend whose load, weight and latency a test sets directly. */
final class TestBackend implements Backend {

    private final String id;
    final AtomicInteger active = new AtomicInteger();
    volatile int weight;
    volatile int effectiveWeight;
    volatile long ewma;

    TestBackend(String id, int weight) {
        this.id = id;
        this.weight = weight;
        this.effectiveWeight = weight;
    }

    TestBackend(String id) {
        this(id, 1);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return 1;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int effectiveWeight() {
        return effectiveWeight;
    }

    @Override
    public int maxConnections() {
        return 0;
    }

    @Override
    public boolean backup() {
        return false;
    }

    @Override
    public BackendState state() {
        return BackendState.UP;
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    @Override
    public long latencyEwmaNanos() {
        return ewma;
    }

    @Override
    public String toString() {
        return id;
    }
}
