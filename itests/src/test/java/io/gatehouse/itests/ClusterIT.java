package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import io.gatehouse.itests.deployed.HelloBundle;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The supervisor through the real platform: {@code ./platform start} on private ports (a gateway and two app
 * containers, real Karaf JVMs, a real PostgreSQL), continuous HTTPS load through the gateway's listener while the
 * cluster changes. One platform boot for every scenario; the scenarios run in name order, each leaving two healthy
 * app containers behind.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterIT {

    private static final int APPS = 2;
    private static Path work;
    private static PlatformScript platform;
    private static ContinuousLoad load;

    @BeforeClass
    public static void startPlatform() throws Exception {
        work = Files.createTempDirectory("gatehouse-cluster-it");
        // ports for three app containers, so cluster:scale 3 finds its ports free; the platform starts two
        platform = new PlatformScript(work.resolve("runtime")).freePorts(APPS + 1);
        platform.env.put("GATEHOUSE_APP_INSTANCES", String.valueOf(APPS));
        platform.env.put("GATEHOUSE_START_TIMEOUT", "300");
        PlatformScript.Result start = platform.run(420, "start");
        assertEquals("start failed: " + start, 0, start.exitCode);
        // the listener serves once the gateway's balancer sees both app containers healthy
        load = new ContinuousLoad(platform.port("LISTENER_HTTPS_PORT"), 3);
        await("both app containers UP in the balancer", 120, () -> backendStates().values().stream()
                .filter("UP"::equals).count() == APPS);
        await("load flowing through the listener", 60, () -> load.sent() > 50);
        load.phase();
    }

    @AfterClass
    public static void stopPlatform() throws Exception {
        try {
            if (load != null) {
                load.close();
            }
        } finally {
            if (platform != null) {
                platform.run(180, "stop");
                platform.killLeftovers();
                keepLogs();
            }
            if (work != null) {
                Folders.delete(work);
            }
        }
    }

    @Test
    public void a_badInputIsRefusedByNameAndChangesNothing() throws Exception {
        Map<String, String[]> before = instances();
        for (String[] bad : new String[][] {
            {"cluster:scale abc", "was 'abc'"},
            {"cluster:scale 0", "was '0'"},
            {"cluster:scale 99", "at most 8"},
            {"cluster:restart app-9", "no app container named 'app-9'"}}) {
            PlatformScript.Result r = platform.run(60, "exec", bad[0]);
            assertNotEquals(bad[0] + " was accepted: " + r, 0, r.exitCode);
            assertTrue(bad[0] + " did not name the value: " + r, r.output.contains(bad[1]));
        }
        // "-1" is refused by the shell's own parser ("undefined option -1"), naming it
        PlatformScript.Result negative = platform.run(60, "exec", "cluster:scale -1");
        assertNotEquals(negative.toString(), 0, negative.exitCode);
        assertTrue(negative.toString(), negative.output.contains("-1"));
        Map<String, String[]> after = instances();
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertEquals(name + " pid changed", before.get(name)[2], after.get(name)[2]);
            assertEquals(name + " restarts changed", before.get(name)[7], after.get(name)[7]);
        }
        assertFalse(Files.exists(platform.runtime.resolve("containers/app-3")));
        assertEquals(APPS, backendStates().size());
    }

    @Test
    public void aa_membershipRunsInEveryContainerAndLeavesTheSupervisedOnesToTheSupervisor() throws Exception {
        // installed by default: the gateway and each app container are cluster members, the apps announce themselves
        PlatformScript.Result gatewayFeatures = platform.run(60, "exec", "feature:list -i");
        assertTrue(gatewayFeatures.output, gatewayFeatures.output.contains("gatehouse-membership"));
        PlatformScript.Result appFeatures = platform.run(60, "__exec", "app-1", "feature:list -i");
        assertTrue(appFeatures.output, appFeatures.output.contains("gatehouse-membership"));
        await("both app containers announced UP in cluster:members", 120,
                () -> upEndpoints().containsAll(List.of(appId(1), appId(2))));
        PlatformScript.Result members = platform.run(60, "exec", "cluster:members");
        assertTrue(members.output, members.output.contains("| gateway |"));
        // ... and still fed by the supervisor's configuration only: membership saw them and left them alone
        await("membership to decline both announced endpoints", 60, () -> gatewayLog().contains(leftAlone(1))
                && gatewayLog().contains(leftAlone(2)));
        for (int n = 1; n <= APPS; n++) {
            assertEquals("source of " + appId(n), "config", backendRows().get(appId(n))[9]);
        }
        assertMembershipNeverFedASupervisedContainer();
    }

    @Test
    public void b_killedContainerIsRestartedAndNoIdempotentRequestIsLost() throws Exception {
        load.phase();
        int restarts = Integer.parseInt(instances().get("app-1")[7]);
        long pid = Long.parseLong(Files.readString(platform.runtime.resolve("run/app-1.pid")).trim().split(" ")[0]);
        ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
        victim.descendants().forEach(ProcessHandle::destroyForcibly);
        victim.destroyForcibly();
        await("app-1 restarted by the supervisor", 60, () -> {
            String[] row = instancesQuietly().get("app-1");
            return row != null && Integer.parseInt(row[7]) == restarts + 1;
        });
        String[] row = instances().get("app-1");
        assertTrue(row[8], row[8].contains("killed by signal 9") || row[8].contains("gone"));
        int declinedBefore = count(gatewayLog(), leftAlone(1));
        // while it comes back: its backend stays the supervisor's (source config), out of rotation until the
        // supervisor re-admits it after its settle time, however early its member announces itself
        long firstEligible = 0;
        boolean announcedWhileHeldOut = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true) {
            boolean announced = upEndpoints().contains(appId(1));
            String[] backend = backendRows().get(appId(1));
            long now = System.currentTimeMillis();
            assertTrue("app-1's backend left the balancer during its restart", backend != null);
            assertEquals("source of app-1's backend during its restart", "config", backend[9]);
            if (("UP".equals(backend[1]) || "SLOW_START".equals(backend[1])) && firstEligible == 0) {
                firstEligible = now;
            }
            announcedWhileHeldOut |= announced && "DRAINING".equals(backend[1]);
            if ("UP".equals(backend[1])) {
                break;
            }
            if (System.nanoTime() > deadline) {
                fail("app-1 not back in rotation within 300 s: " + String.join(" | ", backend));
            }
            Thread.sleep(200);
        }
        java.time.Instant readmitted = logTime(gatewayLog(), "App container app-1 is healthy again after its restart");
        assertTrue("app-1 eligible at " + java.time.Instant.ofEpochMilli(firstEligible) + ", before the supervisor "
                + "re-admitted it at " + readmitted, !readmitted.isAfter(java.time.Instant.ofEpochMilli(firstEligible)));
        // membership saw the restarted container announce itself and declined it
        await("membership to decline app-1's new announcement", 60,
                () -> count(gatewayLog(), leftAlone(1)) > declinedBefore);
        System.out.println("kill -9 of app-1: its member announced it UP while the supervisor still held it out: "
                + announcedWhileHeldOut + "; re-admitted by the supervisor at " + readmitted);
        assertMembershipNeverFedASupervisedContainer();
        ContinuousLoad.Counts counts = load.phase();
        System.out.println("kill -9 of app-1 under load: " + counts);
        // no GET lost: the gateway holds a response until it is whole (upstream.buffer.bytes), so even one that was
        // half-way out of app-1 when it died is retried on app-2, and the client never sees the failure
        assertEquals(counts.toString(), 0, counts.idempotentFailed());
        // POSTs already sent to app-1 may fail (never sent twice): at most 0.1%
        assertTrue(counts.toString(), counts.otherFailed() * 1000 <= counts.other());
    }

    @Test
    public void c_memoryLimitRestartsGracefullyAndCpuIsMeasured() throws Exception {
        // CPU time per container, in the shell and at /metrics
        String cpu = instances().get("app-1")[6];
        assertTrue(cpu, cpu.matches("[0-9]+\\.[0-9] s") && Double.parseDouble(cpu.split(" ")[0]) > 0);
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + platform.port("GATEWAY_HTTP_PORT") + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body(), metrics.body().contains("gatehouse_instance_cpu_seconds{instance=\"app-2\"}"));

        await("both app containers UP", 120, () -> backendStates().values().stream().filter("UP"::equals).count() == APPS);
        load.phase();
        Map<String, String[]> before = instances();
        String limited;
        PlatformScript.Result set = platform.run(60, "exec",
                "config:property-set -p io.gatehouse.cluster.supervisor memory.limitMb 1");
        assertEquals(set.toString(), 0, set.exitCode);
        try {
            await("a container restarted for the memory limit", 120, () -> instancesQuietly().values().stream()
                    .anyMatch(row -> row[8].contains("memory limit")));
        } finally {
            PlatformScript.Result reset = platform.run(60, "exec",
                    "config:property-set -p io.gatehouse.cluster.supervisor memory.limitMb 1024");
            assertEquals(reset.toString(), 0, reset.exitCode);
        }
        limited = instances().values().stream().filter(row -> row[8].contains("memory limit")).findFirst()
                .orElseThrow()[0];
        int restarts = Integer.parseInt(before.get(limited)[7]);
        await(limited + " back after its memory-limit restart", 300, () -> {
            String[] row = instancesQuietly().get(limited);
            return row != null && "running".equals(row[1]) && Integer.parseInt(row[7]) == restarts + 1
                    && !row[2].equals(before.get(limited)[2]);
        });
        await("both app containers UP", 120, () -> backendStates().values().stream().filter("UP"::equals).count() == APPS);
        ContinuousLoad.Counts counts = load.phase();
        System.out.println("memory-limit restart of " + limited + " under load: " + counts);
        assertEquals(counts.toString(), 0, counts.idempotentFailed() + counts.otherFailed());
    }

    @Test
    public void d_reloadUnderLoadFailsNoRequest() throws Exception {
        await("both app containers UP", 120, () -> backendStates().values().stream().filter("UP"::equals).count() == APPS);
        load.phase();
        Map<String, String[]> before = instances();
        long began = System.nanoTime();
        PlatformScript.Result r = platform.run(900, "exec", "cluster:reload");
        assertEquals(r.toString(), 0, r.exitCode);
        System.out.println("cluster:reload took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began)
                + " s:\n" + r.output);
        Map<String, String[]> after = instances();
        for (String name : before.keySet()) {
            assertNotEquals(name + " was not restarted", before.get(name)[2], after.get(name)[2]);
            assertEquals(Integer.parseInt(before.get(name)[7]) + 1, Integer.parseInt(after.get(name)[7]));
        }
        ContinuousLoad.Counts counts = load.phase();
        System.out.println("cluster:reload under load: " + counts);
        assertMembershipNeverFedASupervisedContainer();
        assertTrue(counts.toString(), counts.idempotent() > 0 && counts.other() > 0);
        assertEquals(counts.toString(), 0, counts.idempotentFailed() + counts.otherFailed());
    }

    @Test
    public void e_scaleToThreeAddsABackendThatGetsTrafficAndBackToTwo() throws Exception {
        load.phase();
        PlatformScript.Result up = platform.run(600, "exec", "cluster:scale 3");
        assertEquals(up.toString(), 0, up.exitCode);
        System.out.println("cluster:scale 3:\n" + up.output);
        assertTrue(Files.isExecutable(platform.runtime.resolve("containers/app-3/launch")));
        assertEquals("running", instances().get("app-3")[1]);
        String id = appId(3);
        await(id + " receives requests", 120, () -> backendRequests(id) > 10);
        assertTrue(Files.readString(platform.runtime.resolve("containers/gateway/etc/io.gatehouse.balancer.cfg"))
                .contains(id));

        PlatformScript.Result down = platform.run(600, "exec", "cluster:scale 2");
        assertEquals(down.toString(), 0, down.exitCode);
        System.out.println("cluster:scale 2:\n" + down.output);
        assertFalse(backendStates().containsKey(id));
        assertFalse(instances().containsKey("app-3"));
        assertFalse(Files.exists(platform.runtime.resolve("containers/app-3")));
        assertTrue(platform.processes().stream().noneMatch(p -> p.contains("containers/app-3 ")));
        ContinuousLoad.Counts counts = load.phase();
        System.out.println("cluster:scale 3 and 2 under load: " + counts);
        // app-3 was fed by the supervisor alone, from its admission to its removal
        assertFalse(gatewayLog().contains("cluster backend " + id + " joined"));
        assertMembershipNeverFedASupervisedContainer();
        assertEquals(counts.toString(), 0, counts.idempotentFailed() + counts.otherFailed());
    }

    @Test
    public void f_deployRollsOutANewVersionAndRollsBackOneThatFailsItsHealthCheck() throws Exception {
        Path jars = work.resolve("bundles");
        Path v1 = HelloBundle.build(jars, "1.0.0", false);
        Path v2 = HelloBundle.build(jars, "2.0.0", false);
        Path broken = HelloBundle.build(jars, "3.0.0", true);
        load.phase();

        PlatformScript.Result first = platform.run(600, "exec", "cluster:deploy --check /hello " + v1.toUri());
        assertEquals(first.toString(), 0, first.exitCode);
        System.out.println("cluster:deploy of hello 1.0.0:\n" + first.output);
        assertHelloEverywhere("hello 1.0.0");

        long began = System.nanoTime();
        PlatformScript.Result update = platform.run(600, "exec", "cluster:deploy --check /hello " + v2.toUri());
        assertEquals(update.toString(), 0, update.exitCode);
        System.out.println("cluster:deploy of hello 2.0.0 took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime()
                - began) + " s:\n" + update.output);
        assertHelloEverywhere("hello 2.0.0");
        ContinuousLoad.Counts counts = load.phase();
        System.out.println("cluster:deploy under load: " + counts);
        assertEquals(counts.toString(), 0, counts.idempotentFailed() + counts.otherFailed());

        PlatformScript.Result bad = platform.run(600, "exec", "cluster:deploy --check /hello " + broken.toUri());
        System.out.println("cluster:deploy of the broken hello 3.0.0:\n" + bad.output);
        assertNotEquals(bad.toString(), 0, bad.exitCode);
        assertTrue(bad.output, bad.output.contains("3.0.0 failed its health check"));
        assertTrue(bad.output, bad.output.contains("rolled back to " + HelloBundle.SYMBOLIC_NAME + " 2.0.0"));
        assertTrue(bad.output, bad.output.contains("rollout stopped"));
        assertHelloEverywhere("hello 2.0.0");
        counts = load.phase();
        System.out.println("rolled-back cluster:deploy under load: " + counts);
        assertEquals(counts.toString(), 0, counts.idempotentFailed() + counts.otherFailed());
    }

    @Test
    public void g_anAppContainerStartedElsewhereJoinsTheRotationWithNoGatewayChange() throws Exception {
        // "another machine": a JVM that joins with the gateway's cluster address and announces its own endpoint
        int http = GatehouseOptions.freePort();
        String endpoint = "127.0.0.1:" + http;
        String classpath = String.join(java.io.File.pathSeparator, location(io.gatehouse.itests.cluster.RemoteAppMember.class),
                location(com.hazelcast.core.Hazelcast.class), location(io.gatehouse.membership.internal.MemberSettings.class),
                location(io.gatehouse.api.cluster.ClusterMember.class), location(org.slf4j.Logger.class));
        Path log = work.resolve("remote-app.log");
        Process remote = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", classpath, io.gatehouse.itests.cluster.RemoteAppMember.class.getName(),
                platform.env.get("GATEHOUSE_CLUSTER_NAME"), "127.0.0.1:" + platform.port("GATEWAY_CLUSTER_PORT"),
                String.valueOf(GatehouseOptions.freePort()), String.valueOf(http))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            load.phase();
            await(endpoint + " in the balancer, fed by membership", 120, () -> {
                String[] row = backendRows().get(endpoint);
                return row != null && "cluster".equals(row[9]) && "UP".equals(row[1]);
            });
            await(endpoint + " receives requests", 60, () -> backendRequests(endpoint) > 10);
            assertTrue(platform.run(60, "exec", "cluster:members").output.contains(endpoint));
            // the platform's own containers are still the supervisor's
            for (int n = 1; n <= APPS; n++) {
                assertEquals("source of " + appId(n), "config", backendRows().get(appId(n))[9]);
            }

            remote.destroyForcibly(); // SIGKILL: gone without a goodbye
            assertTrue(remote.waitFor(10, TimeUnit.SECONDS));
            await(endpoint + " out of the balancer after its member was killed", 60,
                    () -> !backendRows().containsKey(endpoint));
            ContinuousLoad.Counts counts = load.phase();
            System.out.println("an app member started elsewhere joined, served and was killed, under load: " + counts);
            assertEquals(counts.toString(), 0, counts.idempotentFailed() - counts.idempotentBroken());
            assertTrue(counts.toString(), counts.idempotentBroken() * 1000 <= counts.idempotent());
            assertTrue(counts.toString(), counts.otherFailed() * 1000 <= counts.other());
            assertEquals(APPS, backendRows().size());
        } finally {
            remote.destroyForcibly();
            if (Files.exists(log)) {
                Files.copy(log, Path.of("target", "cluster-it-remote-app.log").toAbsolutePath(),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String location(Class<?> type) throws java.net.URISyntaxException {
        return new java.io.File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
    }

    /** The line the gateway's membership logs when it declines an announced endpoint its supervisor feeds. */
    private static String leftAlone(int n) {
        return "announced endpoint " + appId(n) + " is fed by this gateway's ";
    }

    /** Membership never added one of this platform's app containers to the balancer (it never reached its feeder). */
    private static void assertMembershipNeverFedASupervisedContainer() {
        String log = gatewayLog();
        for (int n = 1; n <= APPS + 1; n++) {
            assertFalse("membership fed app-" + n, log.contains("cluster backend " + appId(n) + " joined"));
            assertFalse("membership removed app-" + n, log.contains("cluster backend " + appId(n) + " left"));
        }
    }

    private static String gatewayLog() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(platform.runtime.resolve("logs/gateway"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("karaf.log")).sorted().toList()) {
                all.append(Files.readString(f, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all.toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** The time of the last log line containing {@code message} (the log is JSON, one event a line). */
    private static java.time.Instant logTime(String log, String message) {
        String line = null;
        for (String l : log.split("\n")) {
            if (l.contains(message)) {
                line = l;
            }
        }
        assertTrue("no log line with '" + message + "'", line != null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"time\":\"([^\"]+)\"").matcher(line);
        assertTrue(line, m.find());
        return java.time.Instant.parse(m.group(1));
    }

    /** The endpoints cluster:members lists as app members that are UP. */
    private static List<String> upEndpoints() {
        PlatformScript.Result r = platform.run(60, "exec", "cluster:members");
        List<String> up = new java.util.ArrayList<>();
        for (String line : r.output.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 5 && "app".equals(cells[2].trim()) && "UP".equals(cells[4].trim())) {
                up.add(cells[3].trim());
            }
        }
        return up;
    }

    /** balancer:backends rows by id: id, state, active, requests, failures, EWMA, weight, max conns, backup, source. */
    private static Map<String, String[]> backendRows() {
        PlatformScript.Result r = platform.run(60, "exec", "balancer:backends");
        return r.exitCode == 0 ? table(r.output, "127.0.0.1:") : Map.of();
    }

    /** Every app container serves that version of the hello bundle. */
    private static void assertHelloEverywhere(String expected) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int n = 1; n <= APPS; n++) {
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://" + appId(n) + "/hello")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals("app-" + n + " /hello", expected, r.body());
        }
    }

    /** The containers' logs outlive the temporary runtime, for a failure's post-mortem. */
    private static void keepLogs() throws IOException {
        Path logs = platform.runtime.resolve("logs");
        Path kept = Path.of("target", "cluster-it-logs").toAbsolutePath();
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = kept.resolve(logs.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String appId(int n) {
        return "127.0.0.1:" + (platform.port("APP_HTTP_PORT_BASE") + n - 1);
    }

    /** cluster:instances rows by name: the cells, trimmed. */
    private static Map<String, String[]> instances() {
        PlatformScript.Result r = platform.run(60, "exec", "cluster:instances");
        assertEquals(r.toString(), 0, r.exitCode);
        return table(r.output, "app-");
    }

    private static Map<String, String[]> instancesQuietly() {
        PlatformScript.Result r = platform.run(60, "exec", "cluster:instances");
        return r.exitCode == 0 ? table(r.output, "app-") : Map.of();
    }

    /** balancer:backends: state by backend id. */
    private static Map<String, String> backendStates() {
        Map<String, String> states = new LinkedHashMap<>();
        PlatformScript.Result r = platform.run(60, "exec", "balancer:backends");
        if (r.exitCode == 0) {
            table(r.output, "127.0.0.1:").forEach((id, cells) -> states.put(id, cells[1]));
        }
        return states;
    }

    private static long backendRequests(String id) {
        PlatformScript.Result r = platform.run(60, "exec", "balancer:backends");
        String[] row = table(r.output, "127.0.0.1:").get(id);
        return row == null ? 0 : Long.parseLong(row[3]);
    }

    private static Map<String, String[]> table(String output, String firstCellPrefix) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] cells = line.split("\\|");
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].trim();
            }
            if (cells.length > 1 && cells[0].startsWith(firstCellPrefix)) {
                rows.put(cells[0], cells);
            }
        }
        return rows;
    }

    private static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + seconds + " s; instances: " + describe(instancesQuietly())
                        + "; backends: " + backendStates());
            }
            Thread.sleep(500);
        }
    }

    private static String describe(Map<String, String[]> rows) {
        StringBuilder sb = new StringBuilder();
        rows.forEach((k, v) -> sb.append(String.join(" | ", v)).append("; "));
        return sb.toString();
    }

}
