package io.gatehouse.metrics.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.gatehouse.api.metrics.MetricNames;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import javax.management.MBeanServer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The container's one {@link MetricRegistry}, shared as a service by every Gatehouse bundle. Carries this
 * container's process gauges and reports everything over JMX under the {@code io.gatehouse} domain.
 */
@Component(immediate = true, service = MetricRegistry.class)
public class GatehouseMetricRegistry extends MetricRegistry {

    static final String JMX_DOMAIN = "io.gatehouse";

    private final JmxReporter jmx;

    @Activate
    public GatehouseMetricRegistry() {
        registerProcessGauges(this);
        jmx = jmxReporter(this, ManagementFactory.getPlatformMBeanServer());
        jmx.start();
    }

    /** Reports every metric of the registry, as it comes and goes, as an MBean of {@code server}. */
    static JmxReporter jmxReporter(MetricRegistry registry, MBeanServer server) {
        return JmxReporter.forRegistry(registry).registerWith(server).inDomain(JMX_DOMAIN)
                .createsObjectNamesWith(new JmxNames()).build();
    }

    static void registerProcessGauges(MetricRegistry registry) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        registry.register(MetricNames.name("gatehouse.process.memory.heap.used.bytes"),
                (Gauge<Long>) () -> memory.getHeapMemoryUsage().getUsed());
        registry.register(MetricNames.name("gatehouse.process.memory.nonheap.used.bytes"),
                (Gauge<Long>) () -> memory.getNonHeapMemoryUsage().getUsed());
        registry.register(MetricNames.name("gatehouse.process.uptime.seconds"),
                (Gauge<Double>) () -> runtime.getUptime() / 1000.0);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            registry.register(MetricNames.name("gatehouse.process.cpu.load"), (Gauge<Double>) os::getProcessCpuLoad);
            registry.register(MetricNames.name("gatehouse.process.cpu.seconds"),
                    (Gauge<Double>) () -> os.getProcessCpuTime() / 1e9);
        }
    }

    @Deactivate
    void deactivate() {
        jmx.stop();
    }
}
