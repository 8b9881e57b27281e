package io.gatehouse.membership.internal;

import io.gatehouse.api.balancer.LoadBalancer;
import java.util.Map;
import java.util.function.Supplier;

/** The balancer's active strategy, key {@value #KEY}. */
final class StrategySetting implements SettingSource {

    static final String KEY = "balancer.strategy";

    private final Supplier<LoadBalancer> balancer;

    StrategySetting(Supplier<LoadBalancer> balancer) {
        this.balancer = balancer;
    }

    @Override
    public boolean available() {
        return balancer.get() != null;
    }

    @Override
    public boolean owns(String key) {
        return KEY.equals(key);
    }

    @Override
    public Map<String, String> read() {
        String strategy = balancer.get().strategy();
        return strategy == null ? Map.of() : Map.of(KEY, strategy);
    }

    @Override
    public boolean apply(String key, String value) {
        LoadBalancer current = balancer.get();
        if (value == null) {
            return true;  // keep whatever strategy this gateway has
        }
        if (!value.equals(current.strategy())) {
            current.useStrategy(value);
        }
        return value.equals(current.strategy());
    }

    @Override
    public String toString() {
        return "the balancing strategy";
    }
}
