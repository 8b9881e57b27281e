package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GracefulCycleTest {

    @TempDir
    Path runtime;

    /** Stands in for the balancer bundle's service: one backend, requests in flight that finish one per poll. */
    static final class FakeBalancer implements LoadBalancer {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<FakeBackend> backends = new CopyOnWriteArrayList<>();

        @Override
        public Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
            return Optional.empty();
        }

        @Override
        public List<Backend> backends() {
            return new ArrayList<>(backends);
        }

        @Override
        public String strategy() {
            return "least-conn";
        }

        @Override
        public Set<String> strategies() {
            return Set.of("least-conn");
        }

        @Override
        public void useStrategy(String name) {
        }

        @Override
        public void addBackend(BackendSpec spec, String source) {
            calls.add("add " + spec.id() + " " + source);
            backends.add(new FakeBackend(spec.id(), 0));
        }

        @Override
        public boolean addBackendIfAbsent(BackendSpec spec, String source) {
            throw new UnsupportedOperationException("the supervisor declares its backends with addBackend");
        }

        @Override
        public boolean removeBackendIfFrom(String id, String source) {
            throw new UnsupportedOperationException("the supervisor removes its backends with removeBackend");
        }

        @Override
        public boolean removeBackend(String id) {
            calls.add("remove " + id);
            return backends.removeIf(b -> b.id.equals(id));
        }

        @Override
        public boolean drain(String id) {
            calls.add("drain " + id);
            return find(id).map(b -> b.state = BackendState.DRAINING).isPresent();
        }

        @Override
        public boolean enable(String id) {
            calls.add("enable " + id);
            return find(id).map(b -> b.state = BackendState.SLOW_START).isPresent();
        }

        Optional<FakeBackend> find(String id) {
            return backends.stream().filter(b -> b.id.equals(id)).findFirst();
        }
    }

    static final class FakeBackend implements Backend {
        final String id;
        final AtomicInteger inFlight;
        volatile BackendState state = BackendState.UP;

        FakeBackend(String id, int inFlight) {
            this.id = id;
            this.inFlight = new AtomicInteger(inFlight);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String host() {
            return id.substring(0, id.indexOf(':'));
        }

        @Override
        public int port() {
            return Integer.parseInt(id.substring(id.indexOf(':') + 1));
        }

        @Override
        public int weight() {
            return 1;
        }

        @Override
        public int effectiveWeight() {
            return 1;
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
            return state;
        }

        @Override
        public int activeRequests() {
            // each look sees one request fewer: the drained backend finishes its work
            return Math.max(0, inFlight.getAndDecrement());
        }

        @Override
        public long latencyEwmaNanos() {
            return 0;
        }
    }

    private AppContainer container(int port) throws Exception {
        Path etc = runtime.resolve("containers/app-1/etc");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("org.ops4j.pax.web.cfg"), "org.osgi.service.http.port = " + port + "\n");
        return new AppContainer(runtime, "app-1", new Backoff(0, 0, 0));
    }

    @Test
    void drainsWaitsForRequestsInFlightWorksThenReadmits() throws Exception {
        FakeBalancer lb = new FakeBalancer();
        FakeBackend backend = new FakeBackend("127.0.0.1:5005", 3);
        lb.backends.add(backend);
        List<String> order = new CopyOnWriteArrayList<>();
        GracefulCycle cycle = new GracefulCycle(new BalancerGate(() -> lb), () -> 10_000, () -> 10_000);
        List<String> out = new ArrayList<>();
        boolean eligible = cycle.run(container(5005), out::add, () -> {
            order.add("work when idle=" + (backend.inFlight.get() <= 0) + ", state " + backend.state);
        });
        assertTrue(eligible);
        assertEquals(List.of("work when idle=true, state DRAINING"), order);
        assertEquals(List.of("drain 127.0.0.1:5005", "enable 127.0.0.1:5005"), lb.calls);
        assertEquals(BackendState.SLOW_START, backend.state);
        assertTrue(out.get(0).contains("no request in flight"), out.toString());
        assertTrue(out.get(out.size() - 1).contains("re-admitted, receiving requests (SLOW_START)"), out.toString());
    }

    @Test
    void readmitsEvenWhenTheWorkFails() throws Exception {
        FakeBalancer lb = new FakeBalancer();
        lb.backends.add(new FakeBackend("127.0.0.1:5006", 0));
        GracefulCycle cycle = new GracefulCycle(new BalancerGate(() -> lb), () -> 1000, () -> 1000);
        OperationException e = assertThrows(OperationException.class, () -> cycle.run(container(5006), s -> { },
                () -> {
                    throw new OperationException("health check failed");
                }));
        assertEquals("health check failed", e.getMessage());
        assertEquals(List.of("drain 127.0.0.1:5006", "enable 127.0.0.1:5006"), lb.calls);
    }

    @Test
    void aContainerTheBalancerDoesNotKnowIsAddedWhenReadmitted() throws Exception {
        FakeBalancer lb = new FakeBalancer();
        GracefulCycle cycle = new GracefulCycle(new BalancerGate(() -> lb), () -> 1000, () -> 1000);
        assertTrue(cycle.run(container(5007), s -> { }, () -> { }));
        assertEquals(List.of("drain 127.0.0.1:5007", "enable 127.0.0.1:5007", "add 127.0.0.1:5007 supervisor"),
                lb.calls);
    }

    @Test
    void withoutABalancerTheWorkStillRuns() throws Exception {
        GracefulCycle cycle = new GracefulCycle(new BalancerGate(() -> null), () -> 1000, () -> 1000);
        AtomicInteger ran = new AtomicInteger();
        assertTrue(cycle.run(container(5008), s -> { }, ran::incrementAndGet));
        assertEquals(1, ran.get());
    }
}
