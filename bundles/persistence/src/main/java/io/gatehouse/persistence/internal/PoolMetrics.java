package io.gatehouse.persistence.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.metrics.MetricNames;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes the connection pool's gauges ({@code gatehouse.db.pool.active|idle|waiting}). The pool is created by
 * pax-jdbc-config, not by this bundle, so it is read where commons-pool publishes it: its JMX MBean, named after
 * the datasource's {@code dataSourceName}. A gauge reads -1 while no such pool exists.
 */
@Component(immediate = true, configurationPid = "io.gatehouse.persistence")
@Designate(ocd = PersistenceConfig.class)
public class PoolMetrics {

    static final String POOL_DOMAIN = "org.ops4j.pax.jdbc.pool.dbcp2";
    private static final List<String> GAUGES = List.of("active", "idle", "waiting");

    private final MetricRegistry metrics;
    private final ObjectName pattern;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Activate
    public PoolMetrics(@Reference MetricRegistry metrics, PersistenceConfig config) {
        this.metrics = metrics;
        String dataSource = config.dataSourceName();
        if (dataSource == null || !dataSource.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("dataSourceName must be 1-64 letters, digits, '_', '.' or '-', was '"
                    + dataSource + "'");
        }
        try {
            this.pattern = new ObjectName(POOL_DOMAIN + ":type=GenericObjectPool,name=" + dataSource + "*");
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("dataSourceName '" + dataSource + "' is not usable in a JMX name", e);
        }
        metrics.register(name("active"), (Gauge<Integer>) () -> read("NumActive"));
        metrics.register(name("idle"), (Gauge<Integer>) () -> read("NumIdle"));
        metrics.register(name("waiting"), (Gauge<Integer>) () -> read("NumWaiters"));
    }

    private static String name(String what) {
        return MetricNames.name("gatehouse.db.pool." + what);
    }

    int read(String attribute) {
        Set<ObjectName> pools = server.queryNames(pattern, null);
        if (pools.isEmpty()) {
            return -1;
        }
        try {
            return ((Number) server.getAttribute(pools.iterator().next(), attribute)).intValue();
        } catch (Exception e) {
            return -1;
        }
    }

    @Deactivate
    void deactivate() {
        GAUGES.forEach(g -> metrics.remove(name(g)));
    }
}
