package io.gatehouse.balancer.internal;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LoadBalancer} service: backends from configuration plus those added at runtime, the strategy services
 * tracked as they come and go, passive and active health. Configuration updates apply in place (@Modified): backends
 * keep their counters and in-flight leases, and a request never waits for a change.
 */
@Component(service = LoadBalancer.class, configurationPid = BalancerConfiguration.PID, immediate = true)
@Designate(ocd = BalancerConfiguration.class)
public final class BalancerService implements LoadBalancer {

    static final String CONFIG_SOURCE = "config";

    private static final Logger LOG = LoggerFactory.getLogger(BalancerService.class);

    private final ConfigurationAdmin configAdmin;
    private final MetricsBinding metrics = new MetricsBinding();
    private final StrategyCatalog strategies = new StrategyCatalog(metrics);
    private final BackendPool pool;
    private final ActiveHealthChecker health;
    private volatile PassivePolicy defaults = new PassivePolicy(1, 10_000_000_000L, 0);

    @Activate
    public BalancerService(BalancerConfiguration config, @Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        long origin = System.nanoTime() - 1;
        this.pool = new BackendPool(() -> System.nanoTime() - origin, strategies, metrics);
        this.health = new ActiveHealthChecker(pool);
        if (!apply(config)) {
            health.apply(new HealthSettings(false, "/health", 1, 1, 1, 1));
        }
    }

    @Modified
    void modified(BalancerConfiguration config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        strategies.close();
        health.close();
        pool.clear();
        metrics.removeAll();
    }

    /** @return false when the configuration was rejected (the previous one stays in force) */
    private boolean apply(BalancerConfiguration config) {
        PassivePolicy newDefaults;
        HealthSettings newHealth;
        List<BackendDefinition> definitions = new ArrayList<>();
        try {
            newDefaults = new PassivePolicy(config.max_fails(),
                    Durations.parseNanos(config.fail_timeout(), "fail.timeout"),
                    Durations.parseNanos(config.slow_start(), "slow.start"));
            newHealth = HealthSettings.from(config);
            Set<String> ids = new HashSet<>();
            for (String entry : BackendDefinition.entries(config.backends())) {
                BackendDefinition d = BackendDefinition.parse(entry, newDefaults);
                if (!ids.add(d.id())) {
                    throw new IllegalArgumentException("backend " + d.id() + " is listed twice");
                }
                definitions.add(d);
            }
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration {} rejected: {}. The previous configuration stays in force",
                    BalancerConfiguration.PID, e.getMessage());
            return false;
        }
        defaults = newDefaults;
        pool.replaceSource(CONFIG_SOURCE, definitions);
        strategies.desire(config.strategy());
        health.apply(newHealth);
        return true;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStrategy(BalancingStrategy strategy, Map<String, Object> properties) {
        String name = strategyName(properties);
        if (name == null) {
            LOG.warn("Ignoring balancing strategy {}: it has no {} service property", strategy, BalancingStrategy.NAME);
            return;
        }
        strategies.add(name, strategy);
    }

    void removeStrategy(BalancingStrategy strategy, Map<String, Object> properties) {
        String name = strategyName(properties);
        if (name != null) {
            strategies.remove(name, strategy);
        }
    }

    private static String strategyName(Map<String, Object> properties) {
        Object name = properties.get(BalancingStrategy.NAME);
        return name instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMetricRegistry(MetricRegistry registry) {
        metrics.bind(registry);
    }

    void unbindMetricRegistry(MetricRegistry registry) {
        metrics.unbind(registry);
    }

    @Override
    public Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
        return pool.acquire(exchange, excluded);
    }

    @Override
    public List<Backend> backends() {
        return pool.backends();
    }

    @Override
    public String strategy() {
        return strategies.active().name();
    }

    @Override
    public Set<String> strategies() {
        return strategies.names();
    }

    @Override
    public void useStrategy(String name) {
        String wanted = name == null ? "" : name.trim();
        if (!strategies.available(wanted)) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; available: "
                    + String.join(", ", strategies.names()));
        }
        strategies.desire(wanted);
        persistStrategy(wanted);
    }

    private void persistStrategy(String name) {
        try {
            Configuration configuration = configAdmin.getConfiguration(BalancerConfiguration.PID, "?");
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            if (name.equals(properties.get("strategy"))) {
                return;
            }
            properties.put("strategy", name);
            configuration.update(properties);
        } catch (IOException e) {
            throw new IllegalStateException("strategy " + name + " is in use, but could not be saved in "
                    + BalancerConfiguration.PID + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void addBackend(BackendSpec spec, String source) {
        pool.add(definition(spec), sourceName(source));
    }

    @Override
    public boolean addBackendIfAbsent(BackendSpec spec, String source) {
        return pool.addIfAbsent(definition(spec), sourceName(source));
    }

    private BackendDefinition definition(BackendSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("backend spec must not be null");
        }
        return new BackendDefinition(spec, defaults, false);
    }

    private static String sourceName(String source) {
        return source == null || source.isBlank() ? "api" : source.trim();
    }

    @Override
    public boolean removeBackend(String id) {
        return pool.remove(id);
    }

    @Override
    public boolean removeBackendIfFrom(String id, String source) {
        return pool.removeIfFrom(id, sourceName(source));
    }

    @Override
    public boolean drain(String id) {
        return pool.drain(id);
    }

    @Override
    public boolean enable(String id) {
        return pool.enable(id);
    }
}
