package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import io.gatehouse.tools.exchange.TestExchange;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Edge protection in the real distribution: the gateway's capabilities installed as features of their own (listener,
 * balancer, strategies, security, rate limiter, so that the rate limiter can be uninstalled alone: inside the
 * {@code gatehouse-gateway} umbrella it cannot), configured by the etc/ files the distribution ships; the filters run
 * as the listener runs them (every RequestFilter service, highest service.ranking first, the first rejection ends the
 * chain), with real Config Admin updates; the rate limiter's feature uninstalled and installed again under a
 * continuous stream of requests over real HTTPS through the listener to a real backend.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EdgeIT {

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() {
        int https = GatehouseOptions.freePort();
        int backend = GatehouseOptions.freePort();
        String listener = "etc/io.gatehouse.listener.cfg";
        return GatehouseOptions.gatehouse(
                // the test exchange the in-container checks run the filter chain with
                bundle(new File(System.getProperty("gatehouse.itest.testExchange")).toURI().toString()),
                features(GatehouseOptions.featuresRepository(), "gatehouse-metrics", "gatehouse-balancer",
                        "gatehouse-strategies", "gatehouse-security", "gatehouse-ratelimit", "gatehouse-listener"),
                editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "backends", "127.0.0.1:" + backend),
                editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "health.enabled", "false"),
                editConfigurationFilePut(listener, "https.port", String.valueOf(https)),
                editConfigurationFilePut(listener, "http.port", "-1"),
                // the test client plays a trusted proxy: its X-Forwarded-For names the client
                editConfigurationFilePut(listener, "trusted.proxies", "127.0.0.1/32"),
                GatehouseOptions.port("https", https),
                GatehouseOptions.port("backend", backend));
    }

    // ---- the chain, as the listener runs it

    /**
     * The features service registered now: a refresh while the boot features install can re-register it, and the
     * instance injected at the start then refuses work (its executor is shut down).
     */
    private FeaturesService featuresService() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            ServiceReference<FeaturesService> ref = context.getServiceReference(FeaturesService.class);
            FeaturesService service = ref == null ? null : context.getService(ref);
            if (service != null) {
                return service;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no FeaturesService registered");
            }
            Thread.sleep(100);
        }
    }

    /** The filters in chain order, looked up afresh (as the listener's tracker sees them). */
    private List<ServiceReference<RequestFilter>> chain() throws Exception {
        List<ServiceReference<RequestFilter>> refs =
                new ArrayList<>(context.getServiceReferences(RequestFilter.class, null));
        refs.sort((a, b) -> b.compareTo(a));
        return refs;
    }

    private List<String> filterNames() throws Exception {
        return chain().stream().map(r -> String.valueOf(r.getProperty(RequestFilter.NAME))).toList();
    }

    /** Runs the chain; returns the rejection, or null when the request would be served. */
    private Verdict run(TestExchange request) throws Exception {
        try {
            for (ServiceReference<RequestFilter> ref : chain()) {
                RequestFilter filter = context.getService(ref);
                if (filter == null) {
                    continue; // unregistered meanwhile: the listener skips it too
                }
                try {
                    Verdict v = filter.filter(request);
                    if (v.isRejection()) {
                        return v;
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
            return null;
        } finally {
            request.complete();
        }
    }

    private Verdict login(String client) throws Exception {
        return run(new TestExchange("POST", "/api/auth/login", client));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private boolean present(String... names) {
        try {
            return filterNames().containsAll(List.of(names));
        } catch (Exception e) {
            return false;
        }
    }

    private void awaitFilters(String... names) throws InterruptedException {
        await("filters " + Arrays.toString(names), () -> present(names));
    }

    private org.osgi.service.cm.Configuration factoryConfig(String factoryPid, String alias) throws Exception {
        org.osgi.service.cm.Configuration[] all =
                configAdmin.listConfigurations("(service.factoryPid=" + factoryPid + ")");
        assertNotNull("no configuration of " + factoryPid, all);
        org.osgi.service.cm.Configuration found = null;
        for (org.osgi.service.cm.Configuration c : all) {
            Object file = c.getProperties().get("felix.fileinstall.filename");
            if (c.getPid().endsWith("~" + alias) || file != null && file.toString().endsWith(factoryPid + "-" + alias + ".cfg")) {
                assertNull("two configurations for " + factoryPid + "-" + alias, found);
                found = c;
            }
        }
        assertNotNull("no configuration " + factoryPid + "-" + alias, found);
        return found;
    }

    private static String karafLog() throws Exception {
        Path log = Path.of(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log"), "karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static void awaitLog(String text) throws InterruptedException {
        await("log line containing " + text, () -> {
            try {
                return karafLog().contains(text);
            } catch (Exception e) {
                return false;
            }
        });
    }

    // ---- tests

    @Test
    public void theChainRunsSecurityHeadersFirstThenHardeningAccessControlAndTheLimiter() throws Exception {
        awaitFilters("security-headers", "request-hardening", "access-control", "ratelimit", "ratelimit-conn");
        List<String> names = filterNames().stream().filter(n -> List.of("security-headers", "request-hardening",
                "access-control", "ratelimit", "ratelimit-conn").contains(n)).toList();
        assertEquals(List.of("security-headers", "request-hardening", "access-control", "ratelimit", "ratelimit-conn"),
                names);
    }

    @Test
    public void theSixthLoginWithinAMinuteGets429WithRetryAfterWhileAnotherClientPasses() throws Exception {
        awaitFilters("ratelimit");
        for (int i = 1; i <= 5; i++) {
            assertNull("login " + i, login("198.51.100.10"));
        }
        Verdict sixth = login("198.51.100.10");
        assertNotNull("the 6th login is limited", sixth);
        assertEquals(429, sixth.status());
        int retryAfter = Integer.parseInt(sixth.headers().get("Retry-After"));
        assertTrue("Retry-After " + retryAfter, retryAfter >= 1 && retryAfter <= 13);
        assertEquals("5", sixth.headers().get("RateLimit-Limit"));
        assertNull("another client still gets through", login("198.51.100.11"));
    }

    @Test
    public void securityHeadersAreSetOnServedAndRejectedExchanges() throws Exception {
        awaitFilters("security-headers", "request-hardening");
        TestExchange served = new TestExchange("GET", "/index.html", "198.51.100.20");
        assertNull(run(served));
        TestExchange rejected = new TestExchange("GET", "/%2e%2e%2fetc/passwd", "198.51.100.20");
        assertEquals(400, run(rejected).status());
        for (TestExchange r : List.of(served, rejected)) {
            assertEquals("DENY", r.responseHeader("X-Frame-Options"));
            assertEquals("nosniff", r.responseHeader("X-Content-Type-Options"));
            assertTrue(r.responseHeader("Strict-Transport-Security").startsWith("max-age="));
            assertNotNull(r.responseHeader("Content-Security-Policy"));
            assertNotNull(r.responseHeader("Referrer-Policy"));
            assertNotNull(r.responseHeader("Permissions-Policy"));
            assertEquals("same-origin", r.responseHeader("Cross-Origin-Opener-Policy"));
        }
    }

    @Test
    public void aDeniedNetworkGets403OnTheAdminApi() throws Exception {
        awaitFilters("access-control");
        await("the admin access policy", () -> {
            try {
                Verdict v = run(new TestExchange("GET", "/api/admin/users", "203.0.113.5"));
                return v != null && v.status() == 403;
            } catch (Exception e) {
                return false;
            }
        });
        assertNull(run(new TestExchange("GET", "/api/admin/users", "127.0.0.1")));
        assertNull(run(new TestExchange("GET", "/api/admin/users", "::1")));
        assertEquals(403, run(new TestExchange("GET", "/api/admin/users", "2001:db8::7")).status());
        assertNull(run(new TestExchange("GET", "/api/items", "203.0.113.5")));
    }

    @Test
    public void traversalAndEncodedTraversalGet400AndOtherHardeningLimitsApply() throws Exception {
        awaitFilters("request-hardening");
        assertEquals(400, run(new TestExchange("GET", "/static/../../etc/passwd", "198.51.100.30")).status());
        assertEquals(400, run(new TestExchange("GET", "/static/%2e%2e%2fetc/passwd", "198.51.100.30")).status());
        Verdict trace = run(new TestExchange("TRACE", "/", "198.51.100.30"));
        assertEquals(405, trace.status());
        assertTrue(trace.headers().get("Allow").contains("GET"));
        TestExchange big = new TestExchange("POST", "/upload", "198.51.100.30");
        big.contentLength(50_000_000);
        assertEquals(413, run(big).status());
        assertEquals(414, run(new TestExchange("GET", "/" + "a".repeat(9000), "198.51.100.30")).status());
    }

    @Test
    public void badConfigurationIsRefusedWithALogNamingTheValueAndThePreviousStaysInForce() throws Exception {
        awaitFilters("ratelimit", "access-control");
        org.osgi.service.cm.Configuration zone = factoryConfig("io.gatehouse.ratelimit.zone", "login");
        Dictionary<String, Object> original = zone.getProperties();
        try {
            Dictionary<String, Object> bad = copy(original);
            bad.put("rate", "fast");
            zone.update(bad);
            awaitLog("rate 'fast' is not a rate");
            bad = copy(original);
            bad.put("burst", "-3");
            zone.update(bad);
            awaitLog("burst -3 is negative");
            for (int i = 1; i <= 5; i++) {
                assertNull("login " + i + " under the previous configuration", login("198.51.100.40"));
            }
            assertEquals("the previous 5r/m burst=4 is still in force", 429, login("198.51.100.40").status());
        } finally {
            zone.update(original);
        }

        org.osgi.service.cm.Configuration admin = factoryConfig("io.gatehouse.security.access", "admin");
        Dictionary<String, Object> adminOriginal = admin.getProperties();
        try {
            Dictionary<String, Object> bad = copy(adminOriginal);
            bad.put("rules", "allow 10.0.0.0/33, deny all");
            admin.update(bad);
            awaitLog("CIDR '10.0.0.0/33'");
            assertEquals(403, run(new TestExchange("GET", "/api/admin/x", "203.0.113.9")).status());
            assertNull(run(new TestExchange("GET", "/api/admin/x", "127.0.0.1")));
        } finally {
            admin.update(adminOriginal);
        }
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (String k : java.util.Collections.list(d.keys())) {
            out.put(k, d.get(k));
        }
        return out;
    }

    @Test
    public void uninstallingTheRateLimiterUnderLoadOverHttpsLosesNoRequestAndReinstallingBringsTheLimitsBack()
            throws Exception {
        awaitFilters("ratelimit");
        TestBackendServer backend = new TestBackendServer(GatehouseOptions.port("backend"));
        backend.start();
        try {
            SSLContext tls = ListenerCertificate.await(Path.of(System.getProperty("karaf.etc")), Duration.ofSeconds(90))
                    .sslContext();
            HttpClient h2 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpClient h1 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            await("the listener serving the backend", () -> status(h2, get("/api/items", "198.51.100.49")) == 200);
            assertEquals("the login zone limits through the listener", List.of(200, 200, 200, 200, 200, 429),
                    logins(h1, "198.51.100.50", 6));

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger clients = new AtomicInteger();
            List<String> lost = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> streams = new ArrayList<>();
            for (HttpClient client : List.of(h2, h1)) {
                streams.add(new Thread(() -> {
                    while (running.get()) {
                        // distinct clients: no zone limits any of them, so every request must be served
                        int n = clients.incrementAndGet();
                        String address = "10.77." + (n / 250 % 250) + "." + (n % 250 + 1);
                        try {
                            HttpResponse<String> r = client.send(get("/api/items/" + n, address),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200 || !r.body().contains(backend.id())) {
                                lost.add(n + ": " + r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            lost.add(n + ": " + e);
                        }
                        sent.incrementAndGet();
                    }
                }, "edge-it-stream"));
            }
            streams.forEach(Thread::start);
            try {
                await("requests flowing", () -> sent.get() > 100);
                featuresService().uninstallFeature("gatehouse-ratelimit");
                await("the limiter gone", () -> !present("ratelimit"));
                int before = sent.get();
                await("requests flowing without the limiter", () -> sent.get() > before + 100);
            } finally {
                running.set(false);
                for (Thread t : streams) {
                    t.join(30_000);
                }
            }
            assertEquals("requests lost while the rate limiter was uninstalled (of " + sent.get() + "): " + lost,
                    List.of(), lost);

            List<Integer> unlimited = logins(h1, "198.51.100.51", 20);
            assertTrue("no limit without the limiter: " + unlimited, unlimited.stream().allMatch(s -> s == 200));

            featuresService().installFeature("gatehouse-ratelimit");
            awaitFilters("ratelimit");
            AtomicInteger fresh = new AtomicInteger(1);
            await("the login zone back", () -> logins(h1, "198.51.101." + fresh.getAndIncrement(), 6)
                    .equals(List.of(200, 200, 200, 200, 200, 429)));
            HttpResponse<String> limited = null;
            for (int i = 0; i < 6; i++) {
                limited = h1.send(loginRequest("198.51.102.1"), HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(limited.body(), 429, limited.statusCode());
            assertTrue("Retry-After", Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) > 0);
            FeaturesService features = featuresService();
            assertTrue(features.isInstalled(features.getFeature("gatehouse-ratelimit")));
        } finally {
            backend.stop();
        }
    }

    private static URI https(String path) {
        return URI.create("https://127.0.0.1:" + GatehouseOptions.port("https") + path);
    }

    private static HttpRequest get(String path, String client) {
        return HttpRequest.newBuilder(https(path)).header("X-Forwarded-For", client).timeout(Duration.ofSeconds(30))
                .build();
    }

    private static HttpRequest loginRequest(String client) {
        return HttpRequest.newBuilder(https("/api/auth/login")).header("X-Forwarded-For", client)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"u\",\"password\":\"p\"}")).build();
    }

    /** The status of a request, or -1 when it got no answer. */
    private static int status(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The statuses of {@code count} logins of {@code client}, one after the other. */
    private static List<Integer> logins(HttpClient http, String client, int count) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(status(http, loginRequest(client)));
        }
        return statuses;
    }

    /** Runs a shell command; returns what it printed (standard output and error). */
    private String shell(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Session session = sessions.create(System.in, print, print);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        print.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void theShellListsZonesWithLiveCountersAndResetsAKey() throws Exception {
        awaitFilters("ratelimit");
        await("the ratelimit commands", () -> {
            try {
                return shell("ratelimit:zones").contains("login");
            } catch (Exception e) {
                return false;
            }
        });
        for (int i = 0; i < 6; i++) {
            login("198.51.100.60");
        }
        assertEquals(429, login("198.51.100.60").status());
        String zones = shell("ratelimit:zones");
        assertTrue(zones, zones.contains("/api/auth/login") && zones.contains("5r/m") && zones.contains("100r/m"));
        assertTrue(zones, zones.lines().anyMatch(l -> l.startsWith("login") && l.contains("nodelay")));
        String reset = shell("ratelimit:reset login 198.51.100.60");
        assertTrue(reset, reset.contains("forgot key '198.51.100.60'"));
        assertNull("the key starts afresh", login("198.51.100.60"));
        String unknown = shell("ratelimit:reset no-such-zone");
        assertTrue(unknown, unknown.contains("no rate-limit zone 'no-such-zone'"));
    }
}
