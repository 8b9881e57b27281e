package io.gatehouse.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.gatehouse.api.metrics.MetricNames;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry over JMX, on a private MBeanServer: names, values, units, and metrics that come and go. */
class JmxExportTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final MetricRegistry registry = new MetricRegistry();
    private final JmxReporter jmx = GatehouseMetricRegistry.jmxReporter(registry, server);

    @AfterEach
    void stop() {
        jmx.stop();
    }

    /** The registry name an MBean stands for: its {@code name} key, unquoted when quoted. */
    static String registryName(ObjectName name) {
        String value = name.getKeyProperty("name");
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    private ObjectName only(String type, String registryName) throws Exception {
        Set<ObjectName> found = server.queryNames(new ObjectName("io.gatehouse:type=" + type + ",*"), null);
        ObjectName match = found.stream()
                .filter(n -> registryName.equals(registryName(n)))
                .findFirst().orElseThrow(() -> new AssertionError(registryName + " not among " + found));
        assertFalse(match.isPattern(), match.toString());
        return match;
    }

    @Test
    void aPlainNameIsUnquotedAndTyped() throws Exception {
        jmx.start();
        registry.counter("gatehouse.itest.probe").inc(7);
        ObjectName name = new ObjectName("io.gatehouse:type=counters,name=gatehouse.itest.probe");
        assertTrue(server.isRegistered(name));
        assertEquals(7L, server.getAttribute(name, "Count"));
    }

    @Test
    void labelledNamesAreQuotedValidObjectNamesThatKeepTheirType() throws Exception {
        jmx.start();
        String backend = MetricNames.name("gatehouse.backend.requests", "backend", "127.0.0.1:5005");
        // a value with every character an ObjectName value cannot hold bare
        String odd = MetricNames.name("gatehouse.itest.odd", "route", "/a,b=c:d*e?f\"g\\h\ni", "method", "GET");
        registry.counter(backend).inc(3);
        registry.counter(odd).inc();
        ObjectName b = only("counters", backend);
        assertEquals(ObjectName.quote(backend), b.getKeyProperty("name"));
        assertEquals(3L, server.getAttribute(b, "Count"));
        assertEquals(b, new ObjectName(b.getCanonicalName()));
        ObjectName o = only("counters", odd);
        assertEquals(1L, server.getAttribute(o, "Count"));
    }

    @Test
    void timersMetersAndGaugesShowTheirValuesAndUnits() throws Exception {
        jmx.start();
        String latency = MetricNames.name("gatehouse.app.latency", "route", "/api/records", "method", "GET");
        registry.timer(latency).update(250, TimeUnit.MILLISECONDS);
        registry.timer(latency).update(250, TimeUnit.MILLISECONDS);
        registry.meter("gatehouse.itest.meter").mark(5);
        registry.gauge("gatehouse.itest.gauge", () -> () -> 42);
        ObjectName t = only("timers", latency);
        assertEquals(2L, server.getAttribute(t, "Count"));
        assertEquals(250.0, (double) server.getAttribute(t, "Max"), 0.001);
        assertEquals(250.0, (double) server.getAttribute(t, "50thPercentile"), 0.001);
        assertEquals("milliseconds", server.getAttribute(t, "DurationUnit"));
        assertEquals("events/second", server.getAttribute(t, "RateUnit"));
        assertEquals(5L, server.getAttribute(only("meters", "gatehouse.itest.meter"), "Count"));
        assertEquals(42, server.getAttribute(only("gauges", "gatehouse.itest.gauge"), "Value"));
    }

    @Test
    void aRemovedMetricLeavesJmxAndComesBackWhenRegisteredAgain() throws Exception {
        String name = MetricNames.name("gatehouse.backend.requests", "backend", "127.0.0.1:5006");
        registry.counter(name).inc(2);
        jmx.start(); // metrics that exist before the reporter starts are exported too
        ObjectName on = only("counters", name);
        registry.remove(name);
        assertFalse(server.isRegistered(on));
        registry.counter(name).inc();
        assertEquals(1L, server.getAttribute(on, "Count"));
        registry.removeMatching((n, m) -> n.startsWith("gatehouse.backend."));
        assertFalse(server.isRegistered(on));
        jmx.stop();
        registry.counter("gatehouse.itest.after");
        assertTrue(server.queryNames(new ObjectName("io.gatehouse:*"), null).isEmpty(), "nothing left after stop");
    }

    @Test
    void quotingOnlyWhatNeedsIt() {
        assertEquals("gatehouse.process.uptime.seconds", JmxNames.value("gatehouse.process.uptime.seconds"));
        assertEquals("\"a=b\"", JmxNames.value("a=b"));
        assertEquals("\"\"", JmxNames.value(""));
        assertEquals("\"a\\\\b\"", JmxNames.value("a\\b"));
    }
}
