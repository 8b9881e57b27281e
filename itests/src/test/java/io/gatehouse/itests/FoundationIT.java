package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.metrics.MetricNames;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;

/** Boots the Gatehouse distribution, installs the app feature and checks /health, /metrics, JMX and the users file. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FoundationIT {

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    @Filter(timeout = 60_000)
    private MetricRegistry registry;

    @Configuration
    public Option[] config() {
        return GatehouseOptions.gatehouse(features(GatehouseOptions.featuresRepository(), "gatehouse-app"));
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Waits until the app's API is assembled: {@code /health} reports {@code "api":"up"} (with the database down, as
     * here, it stays 503). While the JAX-RS whiteboard adds resources one by one, it rebuilds the application, and a
     * request in that window may get a 404 or a 500 from the JAX-RS runtime before reaching any resource; what the
     * tests count and assert must start after it.
     */
    @Before
    public void apiAssembled() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + GatehouseOptions.port("http") + "/health");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (last.body().contains("\"api\":\"up\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the app's API was not assembled within 60 s; last /health: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + GatehouseOptions.port("http") + path);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            // the JAX-RS whiteboard publishes resources asynchronously after the feature installs
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 404 || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(200);
        }
    }

    @Test
    public void gatehouseFeaturesAreInstalled() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("gatehouse-metrics")));
        assertTrue(features.isInstalled(features.getFeature("gatehouse-app")));
        assertNotNull(registry);
    }

    @Test
    public void healthAnswersJsonAndReportsTheMissingDatabase() throws Exception {
        // no database is configured in this test: the balancer must see the container as down
        HttpResponse<String> response = get("/health");
        assertEquals(response.body(), 503, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(response.body(), response.body().contains("\"status\":\"DOWN\""));
        assertTrue(response.body(), response.body().contains("\"db\":\"down\""));
    }

    @Test
    public void metricsAnswerPrometheusText() throws Exception {
        registry.counter("gatehouse.itest.probe").inc(7);
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(response.body(), response.body().contains("gatehouse_itest_probe_total 7\n"));
        assertTrue(response.body(), response.body().contains("# TYPE gatehouse_process_memory_heap_used_bytes gauge"));
    }

    /**
     * The registry over JMX (domain io.gatehouse) on the platform MBeanServer: metrics driven by real requests to the
     * app and by the test through the registry service show their values and units, labelled names are valid
     * ObjectNames that keep their type and give the registry name back, and a removed metric leaves JMX.
     */
    @Test
    public void metricsAreExportedOverJmx() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName heap = new ObjectName("io.gatehouse:type=gauges,name=gatehouse.process.memory.heap.used.bytes");
        assertTrue((Long) jmx.getAttribute(heap, "Value") > 0);

        // real traffic: the app counts its own /health answers (503 here, no database) and times them
        for (int i = 0; i < 3; i++) {
            assertEquals(503, get("/health").statusCode());
        }
        String requests = registry.getCounters().keySet().stream()
                .filter(n -> n.startsWith("gatehouse.app.requests{") && n.contains("status=\"503\""))
                .findFirst().orElseThrow(() -> new AssertionError("no app request counter: " + registry.getNames()));
        ObjectName counted = jmxName(jmx, "counters", requests);
        assertEquals(registry.counter(requests).getCount(), jmx.getAttribute(counted, "Count"));
        assertTrue((Long) jmx.getAttribute(counted, "Count") >= 3);
        String latency = registry.getTimers().keySet().stream().filter(n -> n.startsWith("gatehouse.app.latency{"))
                .findFirst().orElseThrow(() -> new AssertionError("no app latency timer: " + registry.getNames()));
        ObjectName timed = jmxName(jmx, "timers", latency);
        assertEquals(registry.timer(latency).getCount(), jmx.getAttribute(timed, "Count"));
        assertTrue((Double) jmx.getAttribute(timed, "Max") > 0);
        assertEquals("milliseconds", jmx.getAttribute(timed, "DurationUnit"));

        // labels with every character an ObjectName value cannot hold bare, through the registry service
        String odd = MetricNames.name("gatehouse.itest.jmx.latency", "backend", "127.0.0.1:5005",
                "route", "/a,b=c*d?\"e\"\\f");
        registry.timer(odd).update(250, TimeUnit.MILLISECONDS);
        registry.timer(odd).update(250, TimeUnit.MILLISECONDS);
        ObjectName oddName = jmxName(jmx, "timers", odd);
        assertFalse(oddName.toString(), oddName.isPattern());
        assertEquals(oddName, new ObjectName(oddName.getCanonicalName()));
        assertEquals(2L, jmx.getAttribute(oddName, "Count"));
        assertEquals(250.0, (Double) jmx.getAttribute(oddName, "Max"), 0.001);
        assertEquals(250.0, (Double) jmx.getAttribute(oddName, "99thPercentile"), 0.001);

        registry.remove(odd);
        assertFalse("a removed metric leaves JMX: " + oddName, jmx.isRegistered(oddName));
        assertTrue(jmx.queryNames(new ObjectName("io.gatehouse:*"), null).stream()
                .noneMatch(n -> n.toString().contains("gatehouse.itest.jmx")));
    }

    /** The one MBean of that type standing for the registry name (its name key, unquoted when quoted). */
    private static ObjectName jmxName(MBeanServer jmx, String type, String registryName) throws Exception {
        java.util.Set<ObjectName> typed = jmx.queryNames(new ObjectName("io.gatehouse:type=" + type + ",*"), null);
        java.util.List<ObjectName> found = typed.stream().filter(n -> {
            String v = n.getKeyProperty("name");
            return registryName.equals(v.startsWith("\"") ? ObjectName.unquote(v) : v);
        }).toList();
        assertEquals(registryName + " among " + typed, 1, found.size());
        return found.get(0);
    }

    @Test
    public void everyGatehouseFeatureInstallsOfflineFromTheDistribution() throws Exception {
        java.nio.file.Path system = java.nio.file.Path.of(System.getProperty("karaf.home"), "system");
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (org.apache.karaf.features.Feature feature : features.listFeatures()) {
            if (!feature.getName().startsWith("gatehouse-")) {
                continue;
            }
            for (org.apache.karaf.features.BundleInfo bundle : feature.getBundles()) {
                String location = bundle.getLocation();
                if (location.startsWith("mvn:io.gatehouse/") && !java.nio.file.Files.exists(system.resolve(mavenPath(location)))) {
                    missing.add(feature.getName() + ": " + location);
                }
            }
        }
        assertTrue("not in the distribution's system/ (add the feature to the assembly's installedFeatures): " + missing,
                missing.isEmpty());
    }

    /** mvn:group/artifact/version[/type[/classifier]] -> the repository-layout path. */
    private static String mavenPath(String location) {
        String[] p = location.substring("mvn:".length()).split("/");
        String type = p.length > 3 ? p[3] : "jar";
        String classifier = p.length > 4 ? "-" + p[4] : "";
        return p[0].replace('.', '/') + "/" + p[1] + "/" + p[2] + "/" + p[1] + "-" + p[2] + classifier + "." + type;
    }

    @Test
    public void noUserShipsWithTheDistribution() throws Exception {
        java.nio.file.Path users = java.nio.file.Path.of(System.getProperty("karaf.etc"), "users.properties");
        boolean anyUser = java.nio.file.Files.readAllLines(users).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .anyMatch(l -> !l.startsWith("_g_"));
        assertTrue("users.properties must define no user: " + users, !anyUser);
        assertTrue(Arrays.stream(context.getBundles()).anyMatch(b -> b.getSymbolicName().equals("io.gatehouse.app")));
    }
}
