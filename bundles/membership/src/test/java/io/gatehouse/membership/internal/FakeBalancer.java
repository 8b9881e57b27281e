package io.gatehouse.membership.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Stands in for the balancer bundle's service: backends with a state and a source, and the calls made. */
final class FakeBalancer implements LoadBalancer {

    final Map<String, FakeBackend> byId = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();

    static final class FakeBackend implements Backend {
        final String host;
        final int port;
        BackendState state = BackendState.UP;
        String source;

        FakeBackend(String host, int port, String source) {
            this.host = host;
            this.port = port;
            this.source = source;
        }

        @Override public String id() { return host + ":" + port; }
        @Override public String host() { return host; }
        @Override public int port() { return port; }
        @Override public int weight() { return 1; }
        @Override public int effectiveWeight() { return 1; }
        @Override public int maxConnections() { return 0; }
        @Override public boolean backup() { return false; }
        @Override public BackendState state() { return state; }
        @Override public int activeRequests() { return 0; }
        @Override public long latencyEwmaNanos() { return 0; }
        @Override public String source() { return source; }
    }

    /** Declares a backend the way its owner would, in the given state. */
    FakeBalancer with(String id, String source, BackendState state) {
        HostPort hp = HostPort.parse(id, 0, "backend");
        FakeBackend b = new FakeBackend(hp.host(), hp.port(), source);
        b.state = state;
        byId.put(b.id(), b);
        return this;
    }

    Optional<FakeBackend> backend(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
        return Optional.empty();
    }

    @Override
    public List<Backend> backends() {
        return new ArrayList<>(byId.values());
    }

    @Override
    public String strategy() {
        return "round-robin";
    }

    @Override
    public Set<String> strategies() {
        return Set.of("round-robin");
    }

    @Override
    public void useStrategy(String name) {
        calls.add("strategy " + name);
    }

    @Override
    public void addBackend(BackendSpec spec, String source) {
        calls.add("add " + spec.id() + " " + source);
        FakeBackend existing = byId.get(spec.id());
        if (existing != null) {
            existing.source = source;
        } else {
            byId.put(spec.id(), new FakeBackend(spec.host(), spec.port(), source));
        }
    }

    @Override
    public boolean addBackendIfAbsent(BackendSpec spec, String source) {
        calls.add("add-if-absent " + spec.id() + " " + source);
        if (byId.containsKey(spec.id())) {
            return false;
        }
        byId.put(spec.id(), new FakeBackend(spec.host(), spec.port(), source));
        return true;
    }

    @Override
    public boolean removeBackendIfFrom(String id, String source) {
        calls.add("remove-if-from " + id + " " + source);
        FakeBackend b = byId.get(id);
        if (b == null || !b.source.equals(source)) {
            return false;
        }
        byId.remove(id);
        return true;
    }

    @Override
    public boolean removeBackend(String id) {
        calls.add("remove " + id);
        return byId.remove(id) != null;
    }

    @Override
    public boolean drain(String id) {
        return setState("drain", id, BackendState.DRAINING);
    }

    @Override
    public boolean enable(String id) {
        return setState("enable", id, BackendState.SLOW_START);
    }

    private boolean setState(String call, String id, BackendState state) {
        calls.add(call + " " + id);
        FakeBackend b = byId.get(id);
        if (b != null) {
            b.state = state;
        }
        return b != null;
    }
}
