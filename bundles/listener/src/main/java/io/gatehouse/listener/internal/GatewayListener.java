package io.gatehouse.listener.internal;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.balancer.LoadBalancer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * The public listener: owns one {@link GatewayServer} built from the {@code io.gatehouse.listener} configuration.
 * A certificate change is applied in place; any other change rebuilds the server, and a change that does not work
 * (bad value, port taken, bad certificate) is refused with an error while the previous setup keeps serving.
 */
@Component(immediate = true, service = GatewayListener.class, configurationPid = GatewayListener.PID)
@Designate(ocd = ListenerConfig.class)
public class GatewayListener {

    static final String PID = "io.gatehouse.listener";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayListener.class);

    private final FilterChain chain;
    private final GatewayMetrics metrics;
    private final Path etc;
    private volatile LoadBalancer balancer;
    private GatewayServer running;
    private Map<String, Object> properties;

    @Activate
    public GatewayListener(ListenerConfig config, Map<String, Object> properties, @Reference FilterChain chain,
            @Reference MetricRegistry registry) throws Exception {
        this.chain = chain;
        this.metrics = new GatewayMetrics(registry);
        this.etc = Path.of(System.getProperty("karaf.etc", "etc"));
        try {
            this.running = start(config);
        } catch (Exception e) {
            metrics.close();
            throw e;
        }
        this.properties = new HashMap<>(properties);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBalancer(LoadBalancer lb) {
        balancer = lb;
    }

    void unbindBalancer(LoadBalancer lb) {
        if (balancer == lb) {
            balancer = null;
        }
    }

    private GatewayServer start(ListenerConfig config) throws Exception {
        TlsMaterial tls = TlsMaterial.load(config, etc);
        return GatewayServer.start(config, tls, chain, () -> balancer, metrics, this::reloadTls);
    }

    private TlsMaterial reloadTls(ListenerConfig config) {
        try {
            return TlsMaterial.load(config, etc);
        } catch (Exception e) {
            LOG.error("HTTPS certificate not reloaded: {}. The listener keeps serving with the previous certificate.",
                    e.getMessage());
            return null;
        }
    }

    @Modified
    synchronized void modified(ListenerConfig config, Map<String, Object> newProperties) {
        GatewayServer previous = running;
        if (onlyTlsChanged(properties, newProperties)) {
            TlsMaterial tls = reloadTls(config);
            if (tls != null && previous.certificates.apply(tls)) {
                previous.certificates.loader(() -> reloadTls(config));
                properties = new HashMap<>(newProperties);
            }
            return;
        }
        TlsMaterial tls;
        try {
            ConfigLists.checkNumbers(config);
            ConfigLists.trustedProxies(config);
            ConfigLists.staticRoutes(config);
            tls = TlsMaterial.load(config, etc);
        } catch (Exception e) {
            LOG.error("Listener configuration {} refused: {}. The listener keeps its previous configuration.", PID, e.getMessage());
            return;
        }
        previous.stop();
        try {
            running = GatewayServer.start(config, tls, chain, () -> balancer, metrics, this::reloadTls);
            properties = new HashMap<>(newProperties);
        } catch (Exception e) {
            LOG.error("Listener configuration {} could not start ({}); restoring the previous configuration", PID, e.getMessage(), e);
            try {
                running = start(previous.config);
            } catch (Exception again) {
                LOG.error("The previous listener configuration could not be restored either", again);
            }
        }
    }

    /** Whether a configuration change touches only the certificate settings, which apply in place. */
    static boolean onlyTlsChanged(Map<String, Object> before, Map<String, Object> after) {
        return withoutTls(before).equals(withoutTls(after));
    }

    /** The settings a certificate rotation applies in place; every other change rebuilds the server. */
    private static final java.util.Set<String> CERTIFICATE_KEYS = java.util.Set.of("tls.keystore",
            "tls.keystore.password", "tls.certificate", "tls.private.key", "tls.watch.interval.seconds");

    private static Map<String, Object> withoutTls(Map<String, Object> properties) {
        Map<String, Object> out = new HashMap<>();
        properties.forEach((key, value) -> {
            if (!CERTIFICATE_KEYS.contains(key) && !key.startsWith("component.") && !key.startsWith("service.")) {
                out.put(key, value instanceof Object[] array ? java.util.Arrays.asList(array) : value);
            }
        });
        return out;
    }

    /** The bound ports (for tests and the log), HTTPS first. */
    synchronized int[] ports() {
        return new int[] {running.httpsPort(), running.httpPort()};
    }

    @Deactivate
    synchronized void deactivate() {
        if (running != null) {
            running.stop();
        }
        metrics.close();
    }
}
