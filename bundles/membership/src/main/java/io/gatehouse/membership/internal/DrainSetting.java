package io.gatehouse.membership.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.LoadBalancer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Drained cluster backends, keys {@value #PREFIX}{@code host:port}. Only backends that app members announce and
 * membership manages here are cluster-wide: a backend a gateway declares for itself (its configured list, its
 * supervisor's containers, the shell) is drained locally only, since the same address means a different container on
 * another machine, and its owner alone drains and re-admits it ({@link BackendOwnership}).
 */
final class DrainSetting implements SettingSource {

    static final String PREFIX = "balancer.drain/";
    private static final String DRAINING = "draining";

    private final Supplier<LoadBalancer> balancer;
    private final Supplier<BackendOwnership> ownership;
    private final Supplier<Set<String>> clusterBackends;

    /**
     * @param ownership who owns which backend in this gateway now
     * @param clusterBackends the backends membership manages here now ({@link BalancerFeeder#managed})
     */
    DrainSetting(Supplier<LoadBalancer> balancer, Supplier<BackendOwnership> ownership,
            Supplier<Set<String>> clusterBackends) {
        this.balancer = balancer;
        this.ownership = ownership;
        this.clusterBackends = clusterBackends;
    }

    @Override
    public boolean available() {
        return balancer.get() != null;
    }

    @Override
    public boolean owns(String key) {
        return key.startsWith(PREFIX);
    }

    @Override
    public Map<String, String> read() {
        Set<String> shared = clusterBackends.get();
        Map<String, String> drained = new HashMap<>();
        for (Backend backend : balancer.get().backends()) {
            if (backend.state() == BackendState.DRAINING && shared.contains(backend.id())) {
                drained.put(PREFIX + backend.id(), DRAINING);
            }
        }
        return drained;
    }

    @Override
    public boolean apply(String key, String value) {
        String id = key.substring(PREFIX.length());
        LoadBalancer current = balancer.get();
        Optional<String> owner = ownership.get().owner(id);
        if (owner.isPresent()) {
            // retried every second (and said once) until the other gateway's drain ends
            throw new IllegalStateException("backend " + id + " is fed by this gateway's " + owner.get()
                    + ": drained and re-admitted here by its owner only, not by the cluster");
        }
        Optional<Backend> backend = current.backends().stream().filter(b -> b.id().equals(id)).findFirst();
        if (value == null) {
            if (backend.isPresent() && backend.get().state() == BackendState.DRAINING) {
                current.enable(id);
            }
            return true;
        }
        // the backend may not be here yet: the feeder adds it, and the next round drains it
        return backend.isPresent() && current.drain(id) && state(current, id) == BackendState.DRAINING;
    }

    private static BackendState state(LoadBalancer balancer, String id) {
        return balancer.backends().stream().filter(b -> b.id().equals(id)).map(Backend::state).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return "drained cluster backends";
    }
}
