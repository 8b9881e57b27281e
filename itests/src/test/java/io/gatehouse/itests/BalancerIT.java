package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.metrics.MetricNames;
import io.gatehouse.itests.thirdparty.LastCandidateStrategy;
import io.gatehouse.itests.thirdparty.ThirdPartyStrategyBundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The balancer and the strategies in the real distribution, against real HTTP backends started in the container:
 * strategy listing and swap (shell, Config Admin, persisted across a bundle restart), a third-party strategy bundle
 * dropped into deploy/, passive and active health, drain, concurrency while strategies swap, bad input.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BalancerIT {

    private static final String PID = "io.gatehouse.balancer";
    private static final List<String> BUILT_IN = List.of("least-conn", "round-robin", "weighted-round-robin", "ip-hash",
            "p2c-ewma");
    private static final String THIRD_PARTY_JAR = "gatehouse.itest.thirdPartyStrategy";

    private static TestBackendServer[] servers;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 60_000)
    private MetricRegistry registry;

    @Inject
    @Filter(timeout = 60_000)
    private LoadBalancer injectedBalancer;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Configuration
    public Option[] config() {
        Path jar = ThirdPartyStrategyBundle.build(Path.of("target", "third-party", "last-candidate-strategy.jar"));
        int https = GatehouseOptions.freePort();
        return GatehouseOptions.gatehouse(
                features(GatehouseOptions.featuresRepository(), "gatehouse-balancer", "gatehouse-strategies",
                        "gatehouse-listener"),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "https.port", String.valueOf(https)),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "http.port",
                        String.valueOf(GatehouseOptions.freePort())),
                GatehouseOptions.port("https", https),
                GatehouseOptions.port("backend1", GatehouseOptions.freePort()),
                GatehouseOptions.port("backend2", GatehouseOptions.freePort()),
                GatehouseOptions.port("backend3", GatehouseOptions.freePort()),
                systemProperty(THIRD_PARTY_JAR).value(jar.toString()),
                // the balancer's INFO lines (backends added, removed, strategy changes) help when a test fails
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.gatehousebalancer.name",
                        "io.gatehouse.balancer"),
                editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.gatehousebalancer.level",
                        "INFO"));
    }

    @Before
    public void backendsRunningAndConfigured() throws Exception {
        synchronized (BalancerIT.class) {
            if (servers == null) {
                servers = new TestBackendServer[] {new TestBackendServer(GatehouseOptions.port("backend1")),
                    new TestBackendServer(GatehouseOptions.port("backend2")),
                    new TestBackendServer(GatehouseOptions.port("backend3"))};
            }
        }
        for (TestBackendServer s : servers) {
            s.start();
        }
        configure("least-conn", backendsEntry("max_fails=1 fail_timeout=60s"));
        for (TestBackendServer s : servers) {
            balancer().enable(s.id());
        }
        await("every backend up", () -> balancer().backends().stream().allMatch(b -> b.state() == BackendState.UP),
                Duration.ofSeconds(30));
    }

    // ---------------------------------------------------------------- strategies

    @Test
    public void everyStrategyIsListedInTheServiceAndTheShell() throws Exception {
        await("the five strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));
        String out = shell("balancer:strategies");
        for (String name : BUILT_IN) {
            assertTrue(out, out.contains(name));
        }
        assertEquals("least-conn", shell("balancer:strategy").trim());
    }

    @Test
    public void strategySwapsThroughTheShellAndConfigAdminAndSurvivesABundleRestart() throws Exception {
        await("strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));

        String out = shell("balancer:strategy weighted-round-robin");
        assertTrue(out, out.contains("weighted-round-robin"));
        assertEquals("weighted-round-robin", balancer().strategy());
        await("the shell's choice saved in Config Admin",
                () -> "weighted-round-robin".equals(savedStrategy()),
                Duration.ofSeconds(10));
        assertUsedFor(50, "weighted-round-robin");

        setStrategyProperty("p2c-ewma");
        await("Config Admin swap applied", () -> "p2c-ewma".equals(balancer().strategy()), Duration.ofSeconds(30));
        assertUsedFor(50, "p2c-ewma");

        shell("balancer:strategy ip-hash");
        Path cfg = Path.of(System.getProperty("karaf.etc"), PID + ".cfg");
        await("etc/" + PID + ".cfg rewritten with the choice",
                () -> read(cfg).lines().anyMatch(l -> l.replace(" ", "").equals("strategy=ip-hash")),
                Duration.ofSeconds(30));

        Bundle bundle = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals("io.gatehouse.balancer")).findFirst().orElseThrow();
        bundle.stop();
        await("balancer gone", () -> currentBalancer() == null, Duration.ofSeconds(30));
        bundle.start();
        await("balancer back with the saved strategy", () -> currentBalancer() != null
                && "ip-hash".equals(currentBalancer().strategy()), Duration.ofSeconds(60));
        await("backends from configuration again", () -> balancer().backends().size() == 3, Duration.ofSeconds(30));
        assertUsedFor(30, "ip-hash");
    }

    @Test
    public void aThirdPartyStrategyDroppedIntoDeployIsSelectableAndUsed() throws Exception {
        Path deployed = Path.of(System.getProperty("karaf.base"), "deploy", "last-candidate-strategy.jar");
        Files.copy(Path.of(System.getProperty(THIRD_PARTY_JAR)), deployed, StandardCopyOption.REPLACE_EXISTING);
        try {
            await("the third-party strategy registered",
                    () -> balancer().strategies().contains(LastCandidateStrategy.NAME), Duration.ofSeconds(60));
            assertTrue(shell("balancer:strategies").contains(LastCandidateStrategy.NAME));
            shell("balancer:strategy " + LastCandidateStrategy.NAME);
            String last = balancer().backends().get(2).id();
            for (int i = 0; i < 30; i++) {
                assertEquals(last, proxyOnce().backend);
            }
            assertTrue(selections(LastCandidateStrategy.NAME) >= 30);
        } finally {
            Files.deleteIfExists(deployed);
        }
        await("fallback to least-conn once the bundle is gone", () -> "least-conn".equals(balancer().strategy())
                && !balancer().strategies().contains(LastCandidateStrategy.NAME), Duration.ofSeconds(60));
        assertEquals(LastCandidateStrategy.NAME, savedStrategy());
        assertLogContains("'" + LastCandidateStrategy.NAME + "' is not available", Duration.ofSeconds(10));
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            reached.add(proxyOnce().backend);
        }
        assertEquals(3, reached.size());
    }

    // ---------------------------------------------------------------- health and drain

    @Test
    public void passiveHealthTakesADeadBackendDownAndActiveHealthBringsItBack() throws Exception {
        configure("round-robin", backendsEntry("max_fails=1 fail_timeout=300s") + "", "health.interval", "250ms",
                "health.timeout", "1s", "health.healthy.threshold", "2", "health.unhealthy.threshold", "1000");
        TestBackendServer victim = servers[1];
        victim.stop();
        // requests as the listener makes them: a connection failure is reported and the request retried elsewhere
        for (int i = 0; i < 30; i++) {
            Proxied p = proxyOnce();
            assertEquals(200, p.status);
            assertFalse(p.backend.equals(victim.id()) && p.status != 200);
        }
        Backend dead = backend(victim.id());
        assertEquals(BackendState.DOWN, dead.state());
        assertTrue(dead.totalFailures() >= 1);
        assertGauge(0, gauge("gatehouse.backend.up", victim.id()));
        assertGauge(1, gauge("gatehouse.backend.up", servers[0].id()));
        for (int i = 0; i < 20; i++) {
            assertFalse(victim.id().equals(proxyOnce().backend));
        }
        // fail_timeout is 300 s and the unhealthy threshold unreachable: only passing checks can bring it back
        victim.start();
        await("active health brings it back", () -> backend(victim.id()).state() == BackendState.UP,
                Duration.ofSeconds(30));
        await("it takes requests again", () -> victim.id().equals(proxyOnce().backend), Duration.ofSeconds(10));
    }

    @Test
    public void activeHealthAloneTakesADeadBackendOutOfRotation() throws Exception {
        configure("least-conn", backendsEntry("max_fails=0"), "health.interval", "250ms", "health.timeout", "1s",
                "health.healthy.threshold", "2", "health.unhealthy.threshold", "2");
        TestBackendServer victim = servers[2];
        victim.stop();
        await("active checks mark it down", () -> backend(victim.id()).state() == BackendState.DOWN,
                Duration.ofSeconds(30));
        for (int i = 0; i < 20; i++) {
            assertFalse(victim.id().equals(proxyOnce().backend));
        }
        victim.start();
        await("and up again", () -> backend(victim.id()).state() == BackendState.UP, Duration.ofSeconds(30));
    }

    @Test
    public void drainStopsNewLeasesAndInFlightOnesFinish() throws Exception {
        String drained = servers[0].id();
        Lease held = balancer().acquire(exchange("192.0.2.1"), Set.of(servers[1].id(), servers[2].id())).orElseThrow();
        assertEquals(drained, held.backend().id());
        String out = shell("balancer:backend-drain " + drained);
        assertTrue(out, out.contains(drained));
        assertEquals(BackendState.DRAINING, backend(drained).state());
        for (int i = 0; i < 50; i++) {
            assertFalse(drained.equals(proxyOnce().backend));
        }
        assertEquals(1, backend(drained).activeRequests());
        held.succeeded(200, 1_000_000);
        assertEquals(0, backend(drained).activeRequests());
        shell("balancer:backend-enable " + drained);
        await("enabled backend takes requests", () -> drained.equals(proxyOnce().backend), Duration.ofSeconds(10));
        String table = shell("balancer:backends");
        for (TestBackendServer s : servers) {
            assertTrue(table, table.contains(s.id()));
        }
        assertTrue(table, table.contains("UP") && table.contains("config"));
    }

    @Test
    public void backendsAddedAndRemovedAtRuntime() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        shell("balancer:backend-add 127.0.0.1:" + port + " --weight 3 --max-conns 5 --backup");
        assertEquals(2, backend("127.0.0.1:" + port).weight() - 1);
        shell("balancer:backend-add --weight 3 127.0.0.1:" + port + " max_conns=5 backup");
        Backend added = backend("127.0.0.1:" + port);
        assertEquals(3, added.weight());
        assertEquals(5, added.maxConnections());
        assertTrue(added.backup());
        assertEquals("shell", added.source());
        // a backup gets nothing while primaries are eligible
        for (int i = 0; i < 20; i++) {
            assertFalse(added.id().equals(balancerPick()));
        }
        shell("balancer:backend-remove 127.0.0.1:" + port);
        assertTrue(balancer().backends().stream().noneMatch(b -> b.id().equals(added.id())));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    public void concurrentAcquireWhileStrategiesSwapNeverFailsAndLeaksNothing() throws Exception {
        await("strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));
        LoadBalancer lb = balancer();
        // every backend a lease was taken on, even one a configuration change removed meanwhile
        Set<Backend> leased = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        int threads = 16;
        int perThread = 3_000;
        AtomicInteger empty = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstEmpty = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            Future<?> swapper = pool.submit(() -> {
                int i = 0;
                while (!stop.get()) {
                    String name = BUILT_IN.get(i++ % BUILT_IN.size());
                    if (i % 3 == 0) {
                        setStrategyProperty(name);
                    } else {
                        lb.useStrategy(name);
                    }
                    swaps.incrementAndGet();
                    Thread.sleep(20);
                }
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    // at least perThread acquires each, and on until the swapper has swapped often enough: a fast
                    // machine must not finish before the swaps it is meant to overlap
                    for (int i = 0; i < perThread || swaps.get() < 10; i++) {
                        attempts.incrementAndGet();
                        Optional<Lease> lease = lb.acquire(exchange("10.0." + random.nextInt(256) + "."
                                + random.nextInt(256)), Set.of());
                        if (lease.isEmpty()) {
                            if (empty.incrementAndGet() == 1) {
                                firstEmpty.set(lb.backends().stream().map(b -> b.id() + "=" + b.state() + "/"
                                        + b.activeRequests() + "/" + b.source()).collect(Collectors.joining(", "))
                                        + " strategy " + lb.strategy() + "; current service "
                                        + (currentBalancer() == lb ? "same" : "replaced"));
                            }
                            continue;
                        }
                        leased.add(lease.get().backend());
                        acquired.incrementAndGet();
                        if (random.nextInt(10) == 0) {
                            Thread.yield();
                        }
                        lease.get().succeeded(200, 1_000 + random.nextInt(1_000_000));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(120, TimeUnit.SECONDS);
            }
            stop.set(true);
            swapper.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals("acquires that found no backend; at the first: " + firstEmpty.get(), 0, empty.get());
        assertTrue("strategies swapped " + swaps.get() + " times", swaps.get() >= 5);
        assertTrue("each thread acquired at least " + perThread, attempts.get() >= threads * perThread);
        assertEquals(attempts.get(), acquired.get());
        for (Backend b : leased) {
            assertEquals("active requests left on " + b.id(), 0, b.activeRequests());
        }
        for (Backend b : lb.backends()) {
            assertEquals("active requests left on " + b.id(), 0, b.activeRequests());
        }
    }

    // ---------------------------------------------------------------- bad input and metrics

    @Test
    public void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        await("strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));
        String error = shellError("balancer:strategy fastest-ever");
        assertTrue(error, error.contains("unknown strategy 'fastest-ever'"));
        for (String name : BUILT_IN) {
            assertTrue(error, error.contains(name));
        }
        assertEquals("least-conn", balancer().strategy());

        error = shellError("balancer:backend-add localhost-without-port");
        assertTrue(error, error.contains("'localhost-without-port'"));
        error = shellError("balancer:backend-add 127.0.0.1:70000");
        assertTrue(error, error.contains("'127.0.0.1:70000'"));
        error = shellError("balancer:backend-add 127.0.0.1:1 --weight heavy");
        assertTrue(error, error.contains("'heavy'"));
        error = shellError("balancer:backend-drain 192.0.2.55:1");
        assertTrue(error, error.contains("'192.0.2.55:1'"));
        assertEquals(3, balancer().backends().size());

        // a bad configuration entry: logged naming it, and the previous configuration stays in force
        Hashtable<String, Object> bad = currentProperties();
        bad.put("backends", "127.0.0.1:" + servers[0].port() + ", 127.0.0.1:notaport weight=2");
        bad.put("strategy", "round-robin");
        configAdmin.getConfiguration(PID, null).update(bad);
        assertLogContains("bad backend entry '127.0.0.1:notaport weight=2'", Duration.ofSeconds(30));
        assertEquals(3, balancer().backends().size());
        assertEquals("least-conn", balancer().strategy());
        assertEquals(200, proxyOnce().status);
    }

    @Test
    public void metricsCountRequestsPerBackendAndSelectionsPerStrategy() throws Exception {
        await("strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));
        long selected = selections("least-conn");
        for (int i = 0; i < 30; i++) {
            proxyOnce();
        }
        assertTrue("least-conn selections " + selected + " -> " + selections("least-conn") + ", strategy "
                + balancer().strategy(), selections("least-conn") >= selected + 30);
        long total = 0;
        for (TestBackendServer s : servers) {
            Counter c = registry.getCounters().get(MetricNames.name("gatehouse.backend.requests", "backend", s.id()));
            assertNotNull(s.id(), c);
            total += c.getCount();
            assertNotNull(registry.getTimers().get(MetricNames.name("gatehouse.backend.latency", "backend", s.id())));
            assertNotNull(registry.getGauges().get(MetricNames.name("gatehouse.backend.active", "backend", s.id())));
        }
        assertTrue(total >= 30);
    }

    // ---------------------------------------------------------------- end to end, through the HTTPS listener

    @Test
    public void strategySwapsWhileClientsSendContinuouslyThroughHttpsLoseNoRequest() throws Exception {
        await("strategies", () -> balancer().strategies().containsAll(BUILT_IN), Duration.ofSeconds(30));
        HttpsLoad load = new HttpsLoad(httpsClient(), 4);
        load.start();
        try {
            load.awaitResponses(100);
            for (int i = 0; i < 3 * BUILT_IN.size(); i++) {
                long before = load.responses();
                balancer().useStrategy(BUILT_IN.get(i % BUILT_IN.size()));
                load.awaitResponses(before + 20); // each strategy serves real traffic before the next swap
            }
        } finally {
            load.stop();
        }
        load.assertAllOk();
        for (TestBackendServer s : servers) {
            assertTrue("every backend served: " + load.servedBy, load.servedBy.contains(s.id()));
        }
    }

    @Test
    public void killingABackendMidLoadLosesNoIdempotentRequest() throws Exception {
        HttpsLoad load = new HttpsLoad(httpsClient(), 6);
        load.start();
        TestBackendServer victim = servers[1];
        try {
            load.awaitResponses(150);
            victim.stop();
            long killedAt = load.responses();
            load.awaitResponses(killedAt + 300);
        } finally {
            load.stop();
        }
        load.assertAllOk();
        assertEquals(BackendState.DOWN, backend(victim.id()).state());
        assertTrue(backend(victim.id()).totalFailures() >= 1);
    }

    /** Clients sending GETs through the HTTPS listener back to back until stopped, recording every outcome. */
    private static final class HttpsLoad {

        private final HttpClient client;
        private final int clients;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger ok = new AtomicInteger();
        private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private ExecutorService pool;
        private final List<Future<?>> running = new ArrayList<>();

        HttpsLoad(HttpClient client, int clients) {
            this.client = client;
            this.clients = clients;
        }

        void start() {
            pool = Executors.newFixedThreadPool(clients);
            for (int c = 0; c < clients; c++) {
                int id = c;
                running.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        URI uri = URI.create("https://127.0.0.1:" + GatehouseOptions.port("https") + "/api/load/"
                                + id + "/" + i);
                        try {
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                servedBy.add(r.body().replaceAll(".*\"backend\":\"([^\"]+)\".*", "$1"));
                            } else {
                                failures.add(uri + " -> " + r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(uri + " -> " + e);
                        }
                    }
                    return null;
                }));
            }
        }

        long responses() {
            return ok.get() + failures.size();
        }

        void awaitResponses(long n) {
            await(n + " responses through the listener (failures so far: " + failures.size() + ")",
                    () -> responses() >= n || !failures.isEmpty() && failures.size() > 50, Duration.ofSeconds(120));
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }

        void assertAllOk() {
            assertTrue("requests lost (" + failures.size() + " of " + responses() + "): "
                    + failures.subList(0, Math.min(5, failures.size())), failures.isEmpty());
            assertTrue(ok.get() > 0);
        }
    }

    /** A client trusting the certificate the listener generated on first start (verification stays on). */
    private static HttpClient httpsClient() throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path keystore = etc.resolve("gatehouse-listener.p12");
        Path password = etc.resolve("gatehouse-listener.p12.password");
        await("the listener's generated certificate", () -> Files.exists(keystore) && Files.exists(password),
                Duration.ofSeconds(90));
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = Files.newInputStream(keystore)) {
            store.load(in, Files.readString(password).trim().toCharArray());
        }
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("gatehouse", store.getCertificate("gatehouse"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        URI probe = URI.create("https://127.0.0.1:" + GatehouseOptions.port("https") + "/api/ready");
        await("the listener proxies to the backends", () -> {
            try {
                return client.send(HttpRequest.newBuilder(probe).GET().build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(90));
        return client;
    }

    // ---------------------------------------------------------------- helpers

    /** One proxied request, as the listener does it: acquire, call, report; retry elsewhere on a connect failure. */
    private Proxied proxyOnce() {
        Set<String> tried = new HashSet<>();
        while (true) {
            Optional<Lease> acquired = balancer().acquire(exchange("198.51.100." + tried.size()), tried);
            if (acquired.isEmpty()) {
                return new Proxied(null, 503);
            }
            Lease lease = acquired.get();
            Backend b = lease.backend();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + b.host() + ":" + b.port() + "/echo")).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                lease.succeeded(response.statusCode(), System.nanoTime() - start);
                return new Proxied(b.id(), response.statusCode());
            } catch (java.io.IOException e) {
                lease.failed(e);
                tried.add(b.id());
            } catch (InterruptedException e) {
                lease.failed(e);
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private record Proxied(String backend, int status) {
    }

    private String balancerPick() {
        Lease lease = balancer().acquire(exchange("192.0.2.9"), Set.of()).orElseThrow();
        lease.succeeded(200, 1_000);
        return lease.backend().id();
    }

    private void assertUsedFor(int requests, String strategy) {
        long before = selections(strategy);
        for (int i = 0; i < requests; i++) {
            assertEquals(200, proxyOnce().status);
        }
        assertTrue(strategy + " made the selections", selections(strategy) >= before + requests);
    }

    private long selections(String strategy) {
        Counter c = registry.getCounters().get(MetricNames.name("gatehouse.balancer.selections", "strategy", strategy));
        return c == null ? 0 : c.getCount();
    }

    private Number gauge(String name, String backend) {
        Gauge<?> g = registry.getGauges().get(MetricNames.name(name, "backend", backend));
        assertNotNull(name + " for " + backend, g);
        return (Number) g.getValue();
    }

    private static void assertGauge(int expected, Number actual) {
        assertEquals(expected, actual.intValue());
    }

    private Backend backend(String id) {
        return balancer().backends().stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no backend " + id));
    }

    private String backendsEntry(String parameters) {
        return Arrays.stream(servers).map(s -> s.id() + " " + parameters).collect(Collectors.joining(", "));
    }

    /** Writes the balancer's configuration and waits until the balancer runs with it. */
    private void configure(String strategy, String backends, String... extra) throws Exception {
        // keep what the file-backed configuration carries (felix.fileinstall.filename), so the file follows changes
        Hashtable<String, Object> properties = currentProperties();
        properties.put("strategy", strategy);
        properties.put("backends", backends);
        properties.put("health.interval", "250ms");
        properties.put("health.timeout", "1s");
        properties.put("health.healthy.threshold", "2");
        properties.put("health.unhealthy.threshold", "3");
        for (int i = 0; i < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        configAdmin.getConfiguration(PID, null).update(properties);
        if (properties.get("felix.fileinstall.filename") != null) {
            // the file follows the change; until it has, a scan of the older file could bring the old values back
            Path cfg = Path.of(System.getProperty("karaf.etc"), PID + ".cfg");
            await("etc/" + PID + ".cfg follows the configuration", () -> read(cfg).lines()
                    .anyMatch(l -> l.replace(" ", "").equals("strategy=" + strategy)), Duration.ofSeconds(30));
        }
        Set<String> ids = Arrays.stream(servers).map(TestBackendServer::id).collect(Collectors.toSet());
        await("configuration applied", () -> {
            LoadBalancer lb = currentBalancer();
            return lb != null && strategy.equals(lb.strategy())
                    && lb.backends().stream().map(Backend::id).collect(Collectors.toSet()).equals(ids);
        }, Duration.ofSeconds(60));
    }

    private void setStrategyProperty(String name) throws Exception {
        Hashtable<String, Object> properties = currentProperties();
        properties.put("strategy", name);
        configAdmin.getConfiguration(PID, null).update(properties);
    }

    private Object savedStrategy() {
        try {
            return currentProperties().get("strategy");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Hashtable<String, Object> currentProperties() throws Exception {
        Dictionary<String, Object> current = configAdmin.getConfiguration(PID, null).getProperties();
        Hashtable<String, Object> copy = new Hashtable<>();
        if (current != null) {
            for (String key : java.util.Collections.list(current.keys())) {
                copy.put(key, current.get(key));
            }
        }
        return copy;
    }

    private LoadBalancer currentBalancer() {
        var ref = context.getServiceReference(LoadBalancer.class);
        return ref == null ? null : context.getService(ref);
    }

    private LoadBalancer balancer() {
        LoadBalancer lb = currentBalancer();
        if (lb != null) {
            return lb;
        }
        ServiceTracker<LoadBalancer, LoadBalancer> tracker = new ServiceTracker<>(context, LoadBalancer.class, null);
        tracker.open();
        try {
            LoadBalancer found = tracker.waitForService(60_000);
            assertNotNull("no LoadBalancer service", found);
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            tracker.close();
        }
    }

    private static Exchange exchange(String client) {
        return (Exchange) Proxy.newProxyInstance(BalancerIT.class.getClassLoader(), new Class<?>[] {Exchange.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "clientAddress", "peerAddress" -> client;
                    case "method" -> "GET";
                    case "path", "rawPath" -> "/";
                    case "scheme" -> "https";
                    case "requestId" -> "itest";
                    case "contentLength" -> -1L;
                    case "headers", "headerNames" -> List.of();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "exchange from " + client;
                    default -> null;
                });
    }

    private String shell(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(result);
            }
        } finally {
            out.flush();
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private String shellError(String command) {
        try {
            String out = shell(command);
            fail(command + " should have failed, printed: " + out);
            return null;
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void assertLogContains(String text, Duration timeout) {
        String dir = System.getProperty("karaf.log", Path.of(System.getProperty("karaf.data"), "log").toString());
        Path log = Path.of(dir, "karaf.log");
        await("karaf.log contains \"" + text + "\"", () -> read(log).contains(text), timeout);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
