package io.gatehouse.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerSectionTest {

    /** Stands in for the balancer bundle's service. */
    static final class FakeBalancer implements LoadBalancer {
        final List<String> draining = new ArrayList<>();
        String strategy = "round-robin";

        @Override
        public Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
            return Optional.empty();
        }

        @Override
        public List<Backend> backends() {
            return List.of(backend("127.0.0.1:5005"), backend("127.0.0.1:5006"));
        }

        @Override
        public String strategy() {
            return strategy;
        }

        @Override
        public Set<String> strategies() {
            return Set.of("round-robin", "least-conn");
        }

        @Override
        public void useStrategy(String name) {
            if (!strategies().contains(name)) {
                throw new IllegalArgumentException("no strategy " + name);
            }
            strategy = name;
        }

        @Override
        public void addBackend(BackendSpec spec, String source) {
        }

        @Override
        public boolean addBackendIfAbsent(BackendSpec spec, String source) {
            return false;
        }

        @Override
        public boolean removeBackendIfFrom(String id, String source) {
            return false;
        }

        @Override
        public boolean removeBackend(String id) {
            return false;
        }

        @Override
        public boolean drain(String id) {
            boolean known = backends().stream().anyMatch(b -> b.id().equals(id));
            if (known) {
                draining.add(id);
            }
            return known;
        }

        @Override
        public boolean enable(String id) {
            return draining.remove(id) || backends().stream().anyMatch(b -> b.id().equals(id));
        }
    }

    static Backend backend(String id) {
        return new Backend() {
            public String id() {
                return id;
            }

            public String host() {
                return id.substring(0, id.indexOf(':'));
            }

            public int port() {
                return Integer.parseInt(id.substring(id.indexOf(':') + 1));
            }

            public int weight() {
                return 1;
            }

            public int effectiveWeight() {
                return 1;
            }

            public int maxConnections() {
                return 0;
            }

            public boolean backup() {
                return false;
            }

            public BackendState state() {
                return BackendState.UP;
            }

            public int activeRequests() {
                return 0;
            }

            public long latencyEwmaNanos() {
                return 0;
            }
        };
    }

    private final FakeBalancer balancer = new FakeBalancer();
    private final BalancerSection section =
            new BalancerSection(() -> balancer, new LiveSampler(() -> balancer, () -> null));

    @Test
    void unknownStrategyIsRefusedAndNothingChanges() {
        ActionResult r = section.useStrategy("fastest");
        assertEquals(400, r.status());
        assertTrue(r.message().contains("'fastest'") && r.message().contains("least-conn"), r.message());
        assertEquals("round-robin", balancer.strategy);
        assertEquals(200, section.useStrategy("least-conn").status());
        assertEquals("least-conn", balancer.strategy);
    }

    @Test
    void unknownBackendIsRefusedNamingTheKnownOnes() {
        ActionResult r = section.drain("10.0.0.1:80");
        assertEquals(400, r.status());
        assertTrue(r.message().contains("'10.0.0.1:80'") && r.message().contains("127.0.0.1:5005"), r.message());
        assertTrue(balancer.draining.isEmpty());
        assertEquals(400, section.enable("").status());
        assertEquals(200, section.drain("127.0.0.1:5006").status());
        assertEquals(List.of("127.0.0.1:5006"), balancer.draining);
    }

    @Test
    void withoutABalancerActionsSaySoAndLiveDataIsAbsent() {
        BalancerSection none = new BalancerSection(() -> null, new LiveSampler(() -> null, () -> null));
        assertEquals(503, none.drain("127.0.0.1:5005").status());
        assertEquals(503, none.useStrategy("least-conn").status());
        assertEquals(null, none.live());
    }
}
