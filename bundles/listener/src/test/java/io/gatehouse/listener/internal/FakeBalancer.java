package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A round-robin stand-in for the balancer bundle's service, recording every lease outcome. */
final class FakeBalancer implements LoadBalancer {

    final List<int[]> ports = new CopyOnWriteArrayList<>();
    final List<String> outcomes = new CopyOnWriteArrayList<>();
    final List<Set<String>> excludedSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    void add(int port) {
        ports.add(new int[] {port});
    }

    @Override
    public Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
        excludedSeen.add(Set.copyOf(excluded));
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()))[0];
            String id = "127.0.0.1:" + port;
            if (!excluded.contains(id)) {
                return Optional.of(new FakeLease(backend(id, port)));
            }
        }
        return Optional.empty();
    }

    private final class FakeLease implements Lease {
        private final Backend backend;
        private final AtomicInteger reports = new AtomicInteger();

        FakeLease(Backend backend) {
            this.backend = backend;
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public void succeeded(int status, long latencyNanos) {
            outcomes.add(backend.id() + " ok " + status + (reports.incrementAndGet() > 1 ? " TWICE" : ""));
        }

        @Override
        public void failed(Throwable cause) {
            outcomes.add(backend.id() + " failed" + (reports.incrementAndGet() > 1 ? " TWICE" : ""));
        }
    }

    private static Backend backend(String id, int port) {
        return new Backend() {
            public String id() { return id; }
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public int weight() { return 1; }
            public int effectiveWeight() { return 1; }
            public int maxConnections() { return 0; }
            public boolean backup() { return false; }
            public BackendState state() { return BackendState.values()[0]; }
            public int activeRequests() { return 0; }
            public long latencyEwmaNanos() { return 0; }
        };
    }

    @Override public List<Backend> backends() { return List.of(); }
    @Override public String strategy() { return "fake"; }
    @Override public Set<String> strategies() { return Set.of("fake"); }
    @Override public void useStrategy(String name) { }
    @Override public void addBackend(BackendSpec spec, String source) { }
    @Override public boolean addBackendIfAbsent(BackendSpec spec, String source) { return false; }
    @Override public boolean removeBackend(String id) { return false; }
    @Override public boolean removeBackendIfFrom(String id, String source) { return false; }
    @Override public boolean drain(String id) { return false; }
    @Override public boolean enable(String id) { return false; }
}
