package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMembership;
import io.gatehouse.api.cluster.SupervisedBackends;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.itests.cluster.FixedExchange;
import io.gatehouse.itests.cluster.RemoteAppMember;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.gatehouse.membership.internal.MemberSettings;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Several machines simulated on 127.0.0.1: this container is a gateway; the test starts app members as separate
 * JVMs ({@link RemoteAppMember}) that join its Hazelcast cluster by TCP-IP, and kills them with SIGKILL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MembershipIT {

    private static final String PID = "io.gatehouse.membership";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    @Filter(timeout = 120_000)
    private ClusterMembership membership;

    private final List<Process> processes = new ArrayList<>();

    @Configuration
    public Option[] config() throws URISyntaxException {
        int gateway = GatehouseOptions.freePort();
        int app1 = GatehouseOptions.freePort();
        int app2 = GatehouseOptions.freePort();
        String members = Stream.of(gateway, app1, app2).map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String classpath = String.join(File.pathSeparator, location(RemoteAppMember.class), location(Hazelcast.class),
                location(MemberSettings.class), location(ClusterMember.class), location(io.gatehouse.ratelimit.internal.LimitReqFilter.class),
                location(com.codahale.metrics.Counter.class), location(org.slf4j.Logger.class));
        String cfg = "etc/" + PID + ".cfg";
        return GatehouseOptions.gatehouse(
                features(GatehouseOptions.featuresRepository(), "gatehouse-membership"),
                editConfigurationFilePut(cfg, "cluster.name", "itest-" + gateway),
                editConfigurationFilePut(cfg, "members", members),
                editConfigurationFilePut(cfg, "port", String.valueOf(gateway)),
                editConfigurationFilePut(cfg, "port.count", "1"),
                editConfigurationFilePut(cfg, "role", "gateway"),
                GatehouseOptions.port("cluster", gateway),
                GatehouseOptions.port("app1.cluster", app1),
                GatehouseOptions.port("app1.http", GatehouseOptions.freePort()),
                GatehouseOptions.port("app2.cluster", app2),
                GatehouseOptions.port("app2.http", GatehouseOptions.freePort()),
                GatehouseOptions.port("app3.cluster", GatehouseOptions.freePort()),
                GatehouseOptions.port("app3.http", GatehouseOptions.freePort()),
                GatehouseOptions.port("app4.cluster", GatehouseOptions.freePort()),
                GatehouseOptions.port("app4.http", GatehouseOptions.freePort()),
                GatehouseOptions.port("gateway2.cluster", GatehouseOptions.freePort()),
                GatehouseOptions.port("gateway2.http", GatehouseOptions.freePort()),
                systemProperty("gatehouse.itest.cluster.name").value("itest-" + gateway),
                systemProperty("gatehouse.itest.cluster.members").value(members),
                systemProperty("gatehouse.itest.member.classpath").value(classpath),
                systemProperty("gatehouse.itest.member.java")
                        .value(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                systemProperty("gatehouse.itest.member.logs").value(new File("target/remote-members").getAbsolutePath()));
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
    }

    @After
    public void killMembers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    public void appMembersOnOtherMachinesJoinTheRotationAndLeaveWhenKilled() throws Exception {
        Optional<LoadBalancer> balancer = balancer();
        String endpoint1 = "127.0.0.1:" + GatehouseOptions.port("app1.http");
        String endpoint2 = "127.0.0.1:" + GatehouseOptions.port("app2.http");
        Process app1 = startAppMember("app1");
        startAppMember("app2");

        await(() -> upEndpoints().containsAll(Set.of(endpoint1, endpoint2)), "both app members announced and up",
                () -> "members: " + membership.members());
        String listing = execute("cluster:members");
        assertTrue(listing, listing.contains(endpoint1) && listing.contains(endpoint2) && listing.contains("gateway"));
        if (balancer.isPresent()) {
            await(() -> backendIds(balancer.get()).containsAll(Set.of(endpoint1, endpoint2)),
                    "both endpoints in the balancer", () -> "backends: " + backendIds(balancer.get()));
            drainsOfClusterBackendsAreClusterWide(balancer.get(), endpoint2);
        }

        long killed = System.nanoTime();
        app1.destroyForcibly();  // SIGKILL: no goodbye to the cluster
        assertTrue(app1.waitFor(10, TimeUnit.SECONDS));
        await(() -> !upEndpoints().contains(endpoint1), "the killed member to leave", () -> "members: " + membership.members());
        System.out.println("membership noticed kill -9 after " + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");
        assertTrue(upEndpoints().contains(endpoint2));
        if (balancer.isPresent()) {
            await(() -> !backendIds(balancer.get()).contains(endpoint1), "the killed endpoint to leave the balancer",
                    () -> "backends: " + backendIds(balancer.get()));
            assertTrue(backendIds(balancer.get()).contains(endpoint2));
        }
    }

    /**
     * The local supervisor's containers are fed by the supervisor only: an app member announcing an address the
     * supervisor claims ({@link SupervisedBackends}) is not added, not re-admitted while the supervisor keeps it
     * drained, not removed; another member's endpoint is fed meanwhile (it proves a round ran after each step).
     */
    @Test
    public void endpointsOwnedByTheLocalSupervisorAreLeftToIt() throws Exception {
        Optional<LoadBalancer> found = balancer();
        if (found.isEmpty()) {
            return;
        }
        LoadBalancer balancer = found.get();
        String owned = "127.0.0.1:" + GatehouseOptions.port("app3.http");
        String other = "127.0.0.1:" + GatehouseOptions.port("app4.http");
        // as the supervisor does while the container restarts: claimed, declared by it, drained
        ServiceRegistration<SupervisedBackends> claim = context.registerService(SupervisedBackends.class,
                () -> Set.of(owned), null);
        try {
            balancer.addBackend(io.gatehouse.api.balancer.BackendSpec.of("127.0.0.1", GatehouseOptions.port("app3.http")),
                    "supervisor");
            assertTrue(balancer.drain(owned));
            startAppMember("app3");
            await(() -> upEndpoints().contains(owned), "the supervised container's member to announce itself up",
                    () -> "members: " + membership.members());
            Process app4 = startAppMember("app4");
            await(() -> backendIds(balancer).contains(other), "the other member's endpoint fed",
                    () -> "backends: " + backendIds(balancer));
            Backend kept = backend(balancer, owned).orElseThrow();
            assertEquals("membership re-admitted a drained supervised container", BackendState.DRAINING, kept.state());
            assertEquals("supervisor", kept.source());
            assertEquals("cluster", backend(balancer, other).orElseThrow().source());

            // removed by the supervisor (scale-down) while its member still announces it: not added back
            assertTrue(balancer.removeBackend(owned));
            app4.destroyForcibly();
            await(() -> !backendIds(balancer).contains(other), "the killed member's endpoint to leave",
                    () -> "backends: " + backendIds(balancer));
            assertTrue(upEndpoints().contains(owned));
            assertFalse("membership added a supervised container", backendIds(balancer).contains(owned));
        } finally {
            claim.unregister();
        }
        // no longer claimed: an announced endpoint like any other, fed by membership
        await(() -> backend(balancer, owned).map(b -> "cluster".equals(b.source())).orElse(false),
                "the unclaimed endpoint fed by membership", () -> "backends: " + backendIds(balancer));
    }

    private static Optional<Backend> backend(LoadBalancer balancer, String id) {
        return balancer.backends().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** A drain here is published; an enable from another gateway is applied here. */
    private void drainsOfClusterBackendsAreClusterWide(LoadBalancer balancer, String endpoint) throws Exception {
        IMap<String, String> settings = hazelcast().getMap("gatehouse.settings");
        String key = "balancer.drain/" + endpoint;
        assertTrue(balancer.drain(endpoint));
        await(() -> settings.containsKey(key), "the drain published", () -> "settings: " + settings.entrySet());
        settings.delete(key);  // as another gateway's enable arrives
        await(() -> state(balancer, endpoint) != BackendState.DRAINING, "the enable applied here",
                () -> "state: " + state(balancer, endpoint));
    }

    private static BackendState state(LoadBalancer balancer, String id) {
        return balancer.backends().stream().filter(b -> b.id().equals(id)).map(Backend::state).findFirst().orElse(null);
    }

    @Test
    public void twoGatewaysShareAClusterWideLoginLimit() throws Exception {
        if (features.getFeature("gatehouse-ratelimit") == null) {
            System.out.println("no gatehouse-ratelimit feature in this build: shared limits not exercised");
            return;
        }
        if (!features.isInstalled(features.getFeature("gatehouse-ratelimit"))) {
            features.installFeature("gatehouse-ratelimit");
        }
        String zoneName = "shared-login";
        String path = "/api/auth/login";
        org.osgi.service.cm.Configuration zone = configAdmin.getFactoryConfiguration("io.gatehouse.ratelimit.zone",
                zoneName, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("paths", path);
        properties.put("methods", "POST");
        properties.put("rate", "5r/m");
        properties.put("burst", 4);
        properties.put("nodelay", true);
        properties.put("scope", "cluster");
        zone.update(properties);
        RequestFilter limiter = service(RequestFilter.class, "(" + RequestFilter.NAME + "=ratelimit)");
        // the zone is live once the filter answers with its headers (probed with another client's budget)
        await(() -> {
            FixedExchange probe = new FixedExchange("POST", path, "10.9.9.9");
            limiter.filter(probe);
            return probe.responseHeaders().containsKey("RateLimit-Limit");
        }, "the shared-login zone to be active", () -> "no RateLimit headers");

        int http = GatehouseOptions.port("gateway2.http");
        Process gateway2 = start("gateway2", "io.gatehouse.ratelimit.internal.RemoteGateway",
                String.valueOf(GatehouseOptions.port("gateway2.cluster")), String.valueOf(http), zoneName, path);
        await(() -> membership.members().stream().filter(m -> m.role() == ClusterMember.Role.GATEWAY).count() == 2,
                "the second gateway to join", () -> "members: " + membership.members());
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI remote = URI.create("http://127.0.0.1:" + http + path);
        await(() -> gateway2.isAlive() && reachable(client, URI.create("http://127.0.0.1:" + http + "/ready")),
                "the second gateway to serve", () -> "alive: " + gateway2.isAlive());

        int admitted = 0;
        for (int i = 0; i < 5; i++) {
            if (!limiter.filter(new FixedExchange("POST", path, "10.0.0.7")).isRejection()) {
                admitted++;
            }
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(remote)
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                admitted++;
            } else {
                assertEquals(429, response.statusCode());
            }
        }
        assertEquals("a login limit of 5/min shared by two gateways admits 5 in total, not 10", 5, admitted);
    }

    private static boolean reachable(HttpClient client, URI uri) {
        try {
            client.send(HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void unresolvableMemberAddressIsRefusedAndNothingChanges() throws Exception {
        String before = membership.localMember().id();
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration(PID, null);
        Dictionary<String, Object> original = copy(config.getProperties());
        Dictionary<String, Object> bad = copy(original);
        bad.put("members", original.get("members") + ",no-such-host.invalid:5701");
        config.update(bad);
        try {
            await(() -> execute("cluster:members").contains("'no-such-host.invalid:5701' does not resolve"),
                    "the refusal to name the bad address", () -> execute("cluster:members"));
            String listing = execute("cluster:members");
            assertTrue(listing, listing.contains("still running with the previous configuration"));
            assertEquals("the member must keep running as it was", before, membership.localMember().id());
        } finally {
            config.update(original);
        }
        await(() -> !execute("cluster:members").contains("ERROR"), "the error to clear once the configuration is good",
                () -> execute("cluster:members"));
        assertEquals(before, membership.localMember().id());
    }

    @Test
    public void rateLimitZonesAreClusterWide() throws Exception {
        IMap<String, String> settings = hazelcast().getMap("gatehouse.settings");
        String key = "ratelimit.zone/itest-login";

        // made here: published for every other gateway
        org.osgi.service.cm.Configuration zone = configAdmin.getFactoryConfiguration("io.gatehouse.ratelimit.zone",
                "itest-login", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("rate", "5r/m");
        properties.put("burst", 0);
        properties.put("scope", "cluster");
        zone.update(properties);
        await(() -> settings.containsKey(key) && settings.get(key).contains("rate=S:5r/m"), "the zone in the cluster",
                () -> "settings: " + settings.entrySet());

        // made on another gateway: applied here
        settings.set(key, settings.get(key).replace("rate=S:5r/m", "rate=S:10r/m"));
        await(() -> "10r/m".equals(zoneProperty("itest-login", "rate")), "the other gateway's change applied here",
                () -> "zone: " + zoneProperty("itest-login", "rate"));
        assertEquals(0, configAdmin.listConfigurations("(service.pid=io.gatehouse.ratelimit.zone~itest-login)")[0]
                .getProperties().get("burst"));

        // deleted on another gateway: deleted here
        settings.delete(key);
        await(() -> zoneProperty("itest-login", "rate") == null, "the zone deleted here", () -> "still there");
    }

    @Test
    public void strategySwapIsClusterWide() throws Exception {
        Optional<LoadBalancer> found = balancer();
        if (found.isEmpty() || found.get().strategies().size() < 2) {
            System.out.println("no balancer with two strategies in this build: strategy mirroring not exercised");
            return;
        }
        LoadBalancer balancer = found.get();
        IMap<String, String> settings = hazelcast().getMap("gatehouse.settings");
        List<String> names = balancer.strategies().stream().sorted().collect(Collectors.toList());
        String first = names.get(0);
        String second = names.get(1);

        balancer.useStrategy(first);                 // swapped here: published
        await(() -> first.equals(settings.get("balancer.strategy")), "the swap published",
                () -> "settings: " + settings.entrySet());

        settings.set("balancer.strategy", second);   // as another gateway's swap arrives: applied here
        await(() -> second.equals(balancer.strategy()), "the swap applied here",
                () -> "strategy: " + balancer.strategy());
    }

    private String zoneProperty(String name, String property) {
        try {
            org.osgi.service.cm.Configuration[] zones = configAdmin
                    .listConfigurations("(service.pid=io.gatehouse.ratelimit.zone~" + name + ")");
            return zones == null ? null : (String) zones[0].getProperties().get(property);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Process startAppMember(String name) throws Exception {
        return start(name, "io.gatehouse.itests.cluster.RemoteAppMember",
                String.valueOf(GatehouseOptions.port(name + ".cluster")), String.valueOf(GatehouseOptions.port(name + ".http")));
    }

    /** Starts another "machine": a JVM running {@code mainClass} with the cluster name and members first. */
    private Process start(String name, String mainClass, String... args) throws Exception {
        Path logs = Path.of(System.getProperty("gatehouse.itest.member.logs"));
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>(List.of(System.getProperty("gatehouse.itest.member.java"), "-Xmx128m",
                "-cp", System.getProperty("gatehouse.itest.member.classpath"), mainClass,
                System.getProperty("gatehouse.itest.cluster.name"), System.getProperty("gatehouse.itest.cluster.members")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private Set<String> upEndpoints() {
        return membership.members().stream()
                .filter(m -> m.role() == ClusterMember.Role.APP && m.health() == ClusterMember.Health.UP)
                .map(m -> m.endpoint().orElse("")).collect(Collectors.toSet());
    }

    private static Set<String> backendIds(LoadBalancer balancer) {
        return balancer.backends().stream().map(Backend::id).collect(Collectors.toSet());
    }

    /** The balancer, once its feature is on main: installed and awaited; empty in a build without it. */
    private Optional<LoadBalancer> balancer() throws Exception {
        if (features.getFeature("gatehouse-balancer") == null) {
            System.out.println("no gatehouse-balancer feature in this build: membership asserted without a balancer");
            return Optional.empty();
        }
        for (String feature : List.of("gatehouse-strategies", "gatehouse-balancer")) {
            if (features.getFeature(feature) != null && !features.isInstalled(features.getFeature(feature))) {
                features.installFeature(feature);
            }
        }
        return Optional.of(service(LoadBalancer.class));
    }

    private HazelcastInstance hazelcast() throws Exception {
        return service(HazelcastInstance.class);
    }

    private <T> T service(Class<T> type) throws Exception {
        return service(type, null);
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        ServiceTracker<T, T> tracker = filter == null ? new ServiceTracker<>(context, type, null)
                : new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        tracker.open();
        T service = tracker.waitForService(WAIT.toMillis());
        if (service == null) {
            throw new AssertionError("no " + type.getName() + " service within " + WAIT.toSeconds() + " s");
        }
        return service;
    }

    private String execute(String command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(System.in, out, out)) {
            session.execute(command);
        } catch (Exception e) {
            e.printStackTrace(out);
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> properties) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (String key : Collections.list(properties.keys())) {
            copy.put(key, properties.get(key));
        }
        return copy;
    }

    private static void await(Supplier<Boolean> condition, String what, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what + "; "
                        + state.get());
            }
            Thread.sleep(100);
        }
    }
}
