package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The {@code ./platform} contract from a user's side: start from an empty runtime on private ports, status, exec,
 * the generated admin credential over SSH, /health and /metrics, idempotent start, stop leaving no process; and the
 * bad-input cases, which must fail with a clear message before anything starts.
 */
public class PlatformScriptIT {

    private static final int APPS = 2;
    private static Path work;

    @BeforeClass
    public static void workFolder() throws IOException {
        work = Files.createTempDirectory("gatehouse-platform-it");
    }

    @AfterClass
    public static void removeWorkFolder() throws IOException {
        Folders.delete(work);
    }

    private static PlatformScript platform(String name) {
        return new PlatformScript(work.resolve(name)).freePorts(APPS);
    }

    @Test
    public void startStatusExecLoginHealthMetricsStop() throws Exception {
        PlatformScript platform = platform("runtime");
        try {
            // generous bounds: on a loaded 2-core CI machine three Karaf boots can take minutes; ./platform reports
            // its own timeout (START_TIMEOUT) with the logs to read before the test's bound is reached
            platform.env.put("GATEHOUSE_START_TIMEOUT", "300");
            PlatformScript.Result start = platform.run(420, "start");
            assertEquals("start failed: " + start, 0, start.exitCode);
            assertTrue(start.output, start.output.contains("Gatehouse is running."));
            assertTrue(start.output, start.output.contains(platform.runtime.resolve("admin-password").toString()));

            PlatformScript.Result status = platform.run(60, "status");
            assertEquals(status.toString(), 0, status.exitCode);
            for (String part : List.of("database", "gateway", "app-1", "app-2")) {
                assertTrue(part + " not running:\n" + status.output,
                        Pattern.compile("(?m)^" + part + " +\\S+ +running +[0-9]+ ").matcher(status.output).find());
            }

            PlatformScript.Result features = platform.run(60, "exec", "feature:list -i");
            assertEquals(features.toString(), 0, features.exitCode);
            assertTrue(features.output, features.output.contains("gatehouse-metrics"));
            // the gateway's capabilities are features of their own: the rate limiter comes off and back at runtime
            assertTrue(features.output, features.output.contains("gatehouse-ratelimit"));
            PlatformScript.Result uninstall = platform.run(120, "exec", "feature:uninstall gatehouse-ratelimit");
            assertEquals(uninstall.toString(), 0, uninstall.exitCode);
            PlatformScript.Result without = platform.run(60, "exec", "feature:list -i");
            assertFalse(without.output, without.output.contains("gatehouse-ratelimit"));
            PlatformScript.Result install = platform.run(120, "exec", "feature:install gatehouse-ratelimit");
            assertEquals(install.toString(), 0, install.exitCode);
            PlatformScript.Result zones = platform.run(60, "exec", "ratelimit:zones");
            assertEquals(zones.toString(), 0, zones.exitCode);
            assertTrue(zones.output, zones.output.contains("login"));
            // the gateway's supervisor adopted the app containers ./platform started
            PlatformScript.Result instances = platform.run(60, "exec", "cluster:instances");
            assertEquals(instances.toString(), 0, instances.exitCode);
            for (String app : List.of("app-1", "app-2")) {
                assertTrue(instances.output, Pattern.compile("(?m)^" + app + " +\\| running ").matcher(instances.output).find());
            }
            // cluster membership is on by default: in the gateway and in every app container, which announce themselves
            assertTrue(features.output, features.output.contains("gatehouse-membership"));
            PlatformScript.Result appFeatures = platform.run(60, "__exec", "app-1", "feature:list -i");
            assertTrue(appFeatures.output, appFeatures.output.contains("gatehouse-membership"));
            awaitAppMembers(platform, "the app containers announced in cluster:members");

            PlatformScript.Result unknown = platform.run(60, "exec", "nosuch:command");
            assertNotEquals(unknown.toString(), 0, unknown.exitCode);
            assertTrue(unknown.output, unknown.output.contains("Command not found"));

            // the generated credential: 0600, hashed in every container, the only login; karaf/karaf is refused
            Path passwordFile = platform.runtime.resolve("admin-password");
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(passwordFile));
            String password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
            assertTrue("weak password", password.length() >= 24);
            int ssh = platform.port("GATEWAY_SSH_PORT");
            assertEquals(0, ssh("admin", password, ssh, "system:name").exitCode);
            assertNotEquals(0, ssh("karaf", "karaf", ssh, "system:name").exitCode);
            assertNotEquals(0, ssh("admin", "karaf", ssh, "system:name").exitCode);
            for (String name : List.of("gateway", "app-1", "app-2")) {
                String users = Files.readString(platform.runtime.resolve("containers/" + name + "/etc/users.properties"));
                assertFalse(name + " has the clear password", users.contains(password));
                assertTrue(users, users.matches("(?s).*\\nadmin = \\{CRYPT\\}[0-9A-F]{128}\\{CRYPT\\},_g_:admingroup\\n.*"));
            }

            // /health is 200 once the app role has its database (the persistence feature wires the datasource
            // ./platform configures); until the features repository defines it, the app reports the database down
            boolean persistence = Files.readString(platform.runtime.resolve(
                    "dist/system/io/gatehouse/gatehouse-features/0.1.0-SNAPSHOT/gatehouse-features-0.1.0-SNAPSHOT-features.xml"))
                    .contains("<feature name=\"gatehouse-persistence\"");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < APPS; i++) {
                int port = platform.port("APP_HTTP_PORT_BASE") + i;
                HttpResponse<String> health = get(http, "http://127.0.0.1:" + port + "/health");
                if (persistence) {
                    assertEquals(health.body(), 200, health.statusCode());
                    assertTrue(health.body(), health.body().contains("\"status\":\"UP\""));
                } else {
                    assertEquals(health.body(), 503, health.statusCode());
                    assertTrue(health.body(), health.body().contains("\"db\":\"down\""));
                }
            }
            // the default gateway keeps the audit trail: a login over the limit, refused at the edge, is a
            // RATE_LIMITED security event in the platform's PostgreSQL
            assertTrue(features.output, features.output.contains("gatehouse-audit"));
            assertRateLimitedLoginIsStored(platform);

            HttpResponse<String> metrics = get(http, "http://127.0.0.1:" + platform.port("GATEWAY_HTTP_PORT") + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body(), metrics.body().contains("# TYPE "));

            // the gateway runs the collector, the pages, the fixed, pre-touched heap and the JIT policy measured best for it
            // (docs/benchmarks.md); app containers keep the defaults and a heap that grows from 64 MB
            String gatewayJvm = jvmCommandLine(platform, "gateway");
            String appJvm = jvmCommandLine(platform, "app-1");
            assertTrue(gatewayJvm, gatewayJvm.contains("-XX:+UseParallelGC"));
            assertTrue(gatewayJvm, gatewayJvm.contains("-XX:+UseTransparentHugePages"));
            assertTrue(gatewayJvm, gatewayJvm.contains("-XX:+AlwaysPreTouch"));
            assertTrue(gatewayJvm, gatewayJvm.contains("-XX:Tier3DelayOn=100000"));
            assertTrue(gatewayJvm, gatewayJvm.contains("-Xms512m -Xmx512m"));
            assertFalse(appJvm, appJvm.contains("-XX:+UseParallelGC"));
            assertFalse(appJvm, appJvm.contains("-XX:+UseTransparentHugePages"));
            assertFalse(appJvm, appJvm.contains("-XX:+AlwaysPreTouch"));
            assertFalse(appJvm, appJvm.contains("-XX:Tier3DelayOn"));
            assertTrue(appJvm, appJvm.contains("-Xms64m -Xmx512m"));

            // the development watchdog: a gateway killed with -9 is relaunched within 5 s and serves again
            long relaunched = killAndAwaitRelaunch(platform, "gateway");
            assertTrue(ProcessHandle.of(relaunched).map(ProcessHandle::isAlive).orElse(false));
            String metricsUrl = "http://127.0.0.1:" + platform.port("GATEWAY_HTTP_PORT") + "/metrics";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            int code = 0;
            while (code != 200 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                try {
                    code = get(http, metricsUrl).statusCode();
                } catch (IOException e) {
                    code = 0; // still booting
                }
            }
            assertEquals("relaunched gateway does not serve /metrics", 200, code);
            // the relaunched gateway is a member again and sees the app containers, still fed by its configuration
            awaitAppMembers(platform, "the relaunched gateway to see the app containers in cluster:members");
            PlatformScript.Result backends = platform.run(60, "exec", "balancer:backends");
            for (int i = 0; i < APPS; i++) {
                String id = "127.0.0.1:" + (platform.port("APP_HTTP_PORT_BASE") + i);
                assertTrue(backends.output, Pattern.compile("(?m)^" + Pattern.quote(id) + " .*\\| config\\s*$")
                        .matcher(backends.output).find());
            }

            assertAppsRoleJoinsTheRotation(platform);

            PlatformScript.Result again = platform.run(60, "start");
            assertEquals(again.toString(), 0, again.exitCode);
            assertTrue(again.output, again.output.contains("already running"));

            PlatformScript.Result stop = platform.run(120, "stop");
            assertEquals(stop.toString(), 0, stop.exitCode);
            assertEquals("processes left after stop", List.of(), platform.processes());
            assertTrue(PlatformScript.isFree(platform.port("GATEWAY_HTTP_PORT")));
            assertTrue(PlatformScript.isFree(platform.port("DB_PORT")));

            // the same runtime started again with MEMBERSHIP=off: no container keeps gatehouse-membership
            assertMembershipOffInstallsItNowhere(platform);
        } finally {
            if (!platform.processes().isEmpty()) {
                platform.run(120, "stop");
                platform.killLeftovers();
            }
        }
    }

    /**
     * {@code MEMBERSHIP=off} on a runtime whose containers ran with membership (their OSGi caches hold it): the next
     * start leaves {@code gatehouse-membership} out of the gateway and of every app container, even though
     * {@code APP_FEATURES} lists it, and no container runs a cluster member.
     */
    private static void assertMembershipOffInstallsItNowhere(PlatformScript platform) throws Exception {
        String appFeatures = Files.readAllLines(platform.root.resolve("platform.conf"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("APP_FEATURES=")).findFirst().orElseThrow()
                .substring("APP_FEATURES=".length()).replace("\"", "");
        platform.env.put("GATEHOUSE_MEMBERSHIP", "off");
        platform.env.put("GATEHOUSE_APP_FEATURES", appFeatures + " gatehouse-membership");

        PlatformScript.Result start = platform.run(420, "start");
        assertEquals("start with MEMBERSHIP=off failed: " + start, 0, start.exitCode);
        List<String> containers = new ArrayList<>(List.of("gateway"));
        for (int i = 1; i <= APPS; i++) {
            containers.add("app-" + i);
        }
        for (String name : containers) {
            Matcher role = Pattern.compile("(?m)^" + name + ": starting \\((.*)\\)$").matcher(start.output);
            assertTrue(name + " not started:\n" + start.output, role.find());
            assertFalse(name + " started with membership: " + role.group(1), role.group(1).contains("gatehouse-membership"));

            String[] exec = name.equals("gateway") ? new String[] {"exec"} : new String[] {"__exec", name};
            // Karaf records the boot features as installed at the end of its boot deployment, which can come a moment
            // after the container answers: wait (bounded) for the role's feature to be listed
            String roleFeature = name.equals("gateway") ? "gatehouse-balancer" : "gatehouse-app";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            PlatformScript.Result features = platform.run(60, concat(exec, "feature:list -i"));
            while (features.exitCode == 0 && !features.output.contains(roleFeature) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                features = platform.run(60, concat(exec, "feature:list -i"));
            }
            assertEquals(name + ": " + features, 0, features.exitCode);
            assertTrue(name + " lists no role feature:\n" + features.output, features.output.contains(roleFeature));
            assertFalse(name + " installed gatehouse-membership with MEMBERSHIP=off:\n" + features.output,
                    features.output.contains("gatehouse-membership"));
            // not even its bundle: the membership's shell command is unknown
            PlatformScript.Result members = platform.run(60, concat(exec, "cluster:members"));
            assertNotEquals(name + ": " + members, 0, members.exitCode);
            assertTrue(name + ": " + members.output, members.output.contains("Command not found"));
        }
        // no Hazelcast member listens on the cluster ports the platform configured
        assertTrue(PlatformScript.isFree(platform.port("GATEWAY_CLUSTER_PORT")));
        for (int i = 0; i < APPS; i++) {
            assertTrue(PlatformScript.isFree(platform.port("APP_CLUSTER_PORT_BASE") + i));
        }

        PlatformScript.Result stop = platform.run(120, "stop");
        assertEquals(stop.toString(), 0, stop.exitCode);
        assertEquals("processes left after stop", List.of(), platform.processes());
    }

    private static String[] concat(String[] first, String last) {
        String[] all = Arrays.copyOf(first, first.length + 1);
        all[first.length] = last;
        return all;
    }

    /** Six logins from one client through the public listener: the sixth gets 429 and is stored as a security event. */
    private static void assertRateLimitedLoginIsStored(PlatformScript platform) throws Exception {
        HttpClient https = httpsClient();
        java.net.URI login = java.net.URI.create("https://127.0.0.1:" + platform.port("LISTENER_HTTPS_PORT")
                + "/api/auth/login");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(login).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody\",\"password\":\"wrong-one\"}"))
                .build();
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> answer = https.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 429) {
                limited++;
            } else {
                assertEquals(answer.body(), 401, answer.statusCode());
            }
        }
        assertEquals("logins over 5 per minute refused", 1, limited);
        String password = Files.readString(platform.runtime.resolve("secrets/db-password"), StandardCharsets.UTF_8).trim();
        String url = "jdbc:postgresql://127.0.0.1:" + platform.port("DB_PORT") + "/gatehouse";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int stored = 0;
        while (stored == 0 && System.nanoTime() < deadline) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(url, "gatehouse", password);
                    java.sql.ResultSet rows = db.createStatement().executeQuery(
                            "SELECT count(*) FROM security_events WHERE type = 'RATE_LIMITED'")) {
                rows.next();
                stored = rows.getInt(1);
            }
            if (stored == 0) {
                Thread.sleep(500); // the audit spool drains in batches
            }
        }
        assertEquals("RATE_LIMITED security events in PostgreSQL", 1, stored);
    }

    /** A client of the public listener that accepts the platform's generated self-signed certificate. */
    private static HttpClient httpsClient() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null); // what the tests check is behind the listener, not its certificate
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * {@code ROLE=apps} while this platform runs: a second {@code ./platform}, in its own runtime folder and on its own
     * ports, runs one app container that joins this platform's gateway ({@code CLUSTER_MEMBERS}) and database
     * ({@code DB_URL}). It starts no gateway and no database, refuses to start without the cluster's token signing
     * key, enters the gateway's rotation (source {@code cluster}) and serves requests sent to this platform's public
     * listener; killed with -9 it is relaunched by its own watchdog and rejoins; its {@code stop} ends only its own
     * processes and takes it out of the rotation, while this platform keeps running.
     */
    private static void assertAppsRoleJoinsTheRotation(PlatformScript platform) throws Exception {
        PlatformScript apps = new PlatformScript(work.resolve("apps-runtime")).freePorts(1);
        apps.env.put("GATEHOUSE_ROLE", "apps");
        apps.env.put("GATEHOUSE_START_TIMEOUT", "300");
        apps.env.put("GATEHOUSE_CLUSTER_NAME", platform.env.get("GATEHOUSE_CLUSTER_NAME"));
        apps.env.put("GATEHOUSE_CLUSTER_MEMBERS", "127.0.0.1:" + platform.port("GATEWAY_CLUSTER_PORT"));
        apps.env.put("GATEHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + platform.port("DB_PORT") + "/gatehouse");
        apps.env.put("GATEHOUSE_DB_USER", "gatehouse");
        apps.env.put("GATEHOUSE_DB_PASSWORD",
                Files.readString(platform.runtime.resolve("secrets/db-password"), StandardCharsets.UTF_8).trim());
        String backend = "127.0.0.1:" + apps.port("APP_HTTP_PORT_BASE");
        try {
            PlatformScript.Result keyless = apps.run(60, "start");
            assertEquals(keyless.toString(), 1, keyless.exitCode);
            assertTrue(keyless.output, keyless.output.contains("ROLE=apps needs the cluster's token signing key in "
                    + apps.runtime.resolve("secrets/jwt/signing.jwk")));
            assertEquals("started without the signing key", List.of(), apps.processes());

            // the gateway machine's key directory, copied as an operator would (scp -rp)
            Path keys = Files.createDirectories(apps.runtime.resolve("secrets/jwt"));
            try (Stream<Path> files = Files.list(platform.runtime.resolve("secrets/jwt"))) {
                for (Path key : files.collect(Collectors.toList())) {
                    Files.copy(key, keys.resolve(key.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            PlatformScript.Result start = apps.run(420, "start");
            assertEquals("ROLE=apps start failed: " + start, 0, start.exitCode);
            assertTrue(start.output, start.output.contains("app-1: starting (app role: "));
            assertFalse(start.output, start.output.contains("gateway: starting"));
            assertFalse(start.output, start.output.contains("database: starting"));
            PlatformScript.Result status = apps.run(60, "status");
            assertEquals(status.toString(), 0, status.exitCode);
            assertTrue(status.output, Pattern.compile("(?m)^app-1 +app +running +[0-9]+ ").matcher(status.output).find());
            assertTrue(status.output, Pattern.compile("(?m)^database +external +reachable ").matcher(status.output).find());
            assertFalse(status.output, Pattern.compile("(?m)^gateway ").matcher(status.output).find());

            awaitBackend(platform, backend, true, "the ROLE=apps container in the gateway's rotation");
            HttpClient https = httpsClient();
            URI health = URI.create("https://127.0.0.1:" + platform.port("LISTENER_HTTPS_PORT") + "/health");
            for (int i = 0; i < 12; i++) { // least-conn: sequential requests go round the three app containers
                HttpResponse<String> answer = https.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(answer.body(), 200, answer.statusCode());
            }
            String[] row = backendRow(platform.run(60, "exec", "balancer:backends").output, backend);
            assertTrue(String.join("|", row), Long.parseLong(row[3].trim()) > 0);

            // no supervisor runs on an apps machine: its watchdog relaunches a container that dies, which rejoins
            // its member's connection closes with it, so it leaves the rotation well before the relaunched one has booted
            killAndAwaitRelaunch(apps, "app-1");
            awaitBackend(platform, backend, false, "the killed ROLE=apps container out of the rotation");
            awaitBackend(platform, backend, true, "the relaunched ROLE=apps container back in the rotation");

            PlatformScript.Result stop = apps.run(120, "stop");
            assertEquals(stop.toString(), 0, stop.exitCode);
            assertEquals("processes of the apps role left after stop", List.of(), apps.processes());
            awaitBackend(platform, backend, false, "the stopped ROLE=apps container out of the rotation");
            // the full platform is untouched: its gateway, app containers and database still run
            PlatformScript.Result full = platform.run(60, "status");
            assertEquals("the full platform after the apps role's stop: " + full, 0, full.exitCode);
        } finally {
            if (!apps.processes().isEmpty()) {
                apps.run(120, "stop");
                apps.killLeftovers();
            }
        }
    }

    /** The command line of the container's JVM: the process in its pid file, or the one of its descendants running java. */
    private static String jvmCommandLine(PlatformScript platform, String name) throws Exception {
        long pid = Long.parseLong(Files.readString(platform.runtime.resolve("run/" + name + ".pid")).trim().split(" ")[0]);
        ProcessHandle container = ProcessHandle.of(pid).orElseThrow();
        return Stream.concat(Stream.of(container), container.descendants())
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("java"))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM under " + name + "'s pid " + pid));
    }

    /**
     * Kills the container with -9 and waits until the watchdog has relaunched it: its pid file names another process
     * within 5 s. Returns the new pid.
     */
    private static long killAndAwaitRelaunch(PlatformScript platform, String name) throws Exception {
        Path pidFile = platform.runtime.resolve("run/" + name + ".pid");
        long killed = Long.parseLong(Files.readString(pidFile).trim().split(" ")[0]);
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long relaunched = killed;
        while (relaunched == killed && System.nanoTime() < deadline) {
            Thread.sleep(100);
            relaunched = Long.parseLong(Files.readString(pidFile).trim().split(" ")[0]);
        }
        assertNotEquals(name + " not relaunched within 5 s", killed, relaunched);
        return relaunched;
    }

    /** Waits (bounded) until the gateway's balancer:backends lists the backend UP (present) or not at all (absent). */
    private static void awaitBackend(PlatformScript platform, String backend, boolean present, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(present ? 240 : 60);
        String listing = "";
        while (System.nanoTime() < deadline) {
            listing = platform.run(60, "exec", "balancer:backends").output;
            String[] row = backendRow(listing, backend);
            if (present ? row != null && row[1].trim().equals("UP") && row[9].trim().equals("cluster") : row == null) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within the bound:\n" + listing);
    }

    /** The backend's row of a balancer:backends table, split into its columns; null when it is not listed. */
    private static String[] backendRow(String listing, String backend) {
        for (String line : listing.split("\n")) {
            String[] columns = line.split("\\|");
            if (columns.length >= 10 && columns[0].trim().equals(backend)) {
                return columns;
            }
        }
        return null;
    }

    @Test
    public void badInputFailsClearlyAndStartsNothing() throws Exception {
        PlatformScript platform = platform("bad-input");

        PlatformScript.Result verb = platform.run(30, "launch");
        assertEquals(verb.toString(), 2, verb.exitCode);
        assertTrue(verb.output, verb.output.contains("unknown command \"launch\"") && verb.output.contains("usage:"));

        PlatformScript.Result instances = platform.run(Map.of("GATEHOUSE_APP_INSTANCES", "-1"), 30, "start");
        assertEquals(instances.toString(), 1, instances.exitCode);
        assertTrue(instances.output, instances.output.contains("APP_INSTANCES must be a positive number or \"max\", was \"-1\""));

        // the gateway's heap is taken in full at start: one larger than the machine is refused before anything starts
        PlatformScript.Result heap = platform.run(Map.of("GATEHOUSE_GATEWAY_HEAP", "65536g"), 30, "start");
        assertEquals(heap.toString(), 1, heap.exitCode);
        assertTrue(heap.output, heap.output.contains("GATEWAY_HEAP must be less than this machine's memory (")
                && heap.output.contains("was \"65536g\""));

        PlatformScript.Result member = platform.run(Map.of("GATEHOUSE_CLUSTER_MEMBERS", "127.0.0.1:5701, no-such-host.invalid:5701"),
                30, "start");
        assertEquals(member.toString(), 1, member.exitCode);
        assertTrue(member.output, member.output.contains(
                "CLUSTER_MEMBERS entry \"no-such-host.invalid:5701\" does not resolve: unknown host \"no-such-host.invalid\""));
        PlatformScript.Result membership = platform.run(Map.of("GATEHOUSE_MEMBERSHIP", "yes"), 30, "start");
        assertEquals(membership.toString(), 1, membership.exitCode);
        assertTrue(membership.output, membership.output.contains("MEMBERSHIP must be \"on\" or \"off\", was \"yes\""));
        PlatformScript.Result clusterPort = platform.run(Map.of("GATEHOUSE_GATEWAY_CLUSTER_PORT",
                String.valueOf(platform.port("GATEWAY_HTTP_PORT"))), 30, "start");
        assertEquals(clusterPort.toString(), 1, clusterPort.exitCode);
        assertTrue(clusterPort.output, clusterPort.output.contains("port " + platform.port("GATEWAY_HTTP_PORT")
                + " is configured twice"));

        // ROLE: its value, and what the apps role needs, all refused by name before anything starts
        PlatformScript.Result role = platform.run(Map.of("GATEHOUSE_ROLE", "x"), 30, "start");
        assertEquals(role.toString(), 1, role.exitCode);
        assertTrue(role.output, role.output.contains("ROLE must be \"full\" or \"apps\", was \"x\""));
        Map<String, String> apps = Map.of("GATEHOUSE_ROLE", "apps", "GATEHOUSE_CLUSTER_MEMBERS", "127.0.0.1:5701",
                "GATEHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:55432/gatehouse", "GATEHOUSE_DB_USER", "gatehouse",
                "GATEHOUSE_DB_PASSWORD", "secret");
        Map<String, String> noMembers = new HashMap<>(apps);
        noMembers.remove("GATEHOUSE_CLUSTER_MEMBERS");
        PlatformScript.Result members = platform.run(noMembers, 30, "start");
        assertEquals(members.toString(), 1, members.exitCode);
        assertTrue(members.output, members.output.contains("ROLE=apps needs CLUSTER_MEMBERS (the gateway machine's cluster address"));
        Map<String, String> noDatabase = new HashMap<>(apps);
        noDatabase.remove("GATEHOUSE_DB_URL");
        PlatformScript.Result database = platform.run(noDatabase, 30, "start");
        assertEquals(database.toString(), 1, database.exitCode);
        assertTrue(database.output, database.output.contains("ROLE=apps needs DB_URL, DB_USER and DB_PASSWORD"));
        Map<String, String> withoutMembership = new HashMap<>(apps);
        withoutMembership.put("GATEHOUSE_MEMBERSHIP", "off");
        PlatformScript.Result off = platform.run(withoutMembership, 30, "start");
        assertEquals(off.toString(), 1, off.exitCode);
        assertTrue(off.output, off.output.contains("ROLE=apps needs MEMBERSHIP=on, was \"off\""));
        Map<String, String> remoteGateway = new HashMap<>(apps);
        remoteGateway.put("GATEHOUSE_CLUSTER_MEMBERS", "10.11.12.13:5701");
        PlatformScript.Result loopback = platform.run(remoteGateway, 30, "start");
        assertEquals(loopback.toString(), 1, loopback.exitCode);
        assertTrue(loopback.output, loopback.output.contains("ROLE=apps with CLUSTER_MEMBERS on another machine "
                + "(\"10.11.12.13:5701\") needs CLUSTER_INTERFACE set to this machine's address the gateway reaches, was \"127.0.0.1\""));
        // the address the app containers bind and announce must be this machine's (checked with iproute2's ip)
        if (Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, "ip")))) {
            Map<String, String> foreign = new HashMap<>(apps);
            foreign.put("GATEHOUSE_CLUSTER_INTERFACE", "127.0.0.2");
            PlatformScript.Result notHere = platform.run(foreign, 30, "start");
            assertEquals(notHere.toString(), 1, notHere.exitCode);
            assertTrue(notHere.output, notHere.output.contains("CLUSTER_INTERFACE \"127.0.0.2\" is not an address of this machine"));
        }

        Path config = work.resolve("broken.conf");
        Files.writeString(config, "# broken\nAPP_INSTANCES=2\nGATEWAY_HTTP_PORT 8181\n");
        PlatformScript.Result broken = platform.run(Map.of("GATEHOUSE_CONFIG", config.toString()), 30, "start");
        assertEquals(broken.toString(), 1, broken.exitCode);
        assertTrue(broken.output, broken.output.contains(config + " line 3"));

        Path oldJava = work.resolve("java11");
        Files.createDirectories(oldJava.resolve("bin"));
        Path fake = oldJava.resolve("bin/java");
        Files.writeString(fake, "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
        Files.setPosixFilePermissions(fake, executable());
        PlatformScript.Result java11 = platform.run(Map.of("JAVA_HOME", oldJava.toString()), 30, "start");
        assertEquals(java11.toString(), 1, java11.exitCode);
        assertTrue(java11.output, java11.output.contains("Java 17 or newer is needed, found Java 11.0.2"));
        PlatformScript.Result noJava = platform.run(Map.of("JAVA_HOME", work.resolve("no-jdk").toString()), 30, "start");
        assertEquals(noJava.toString(), 1, noJava.exitCode);
        assertTrue(noJava.output, noJava.output.contains("Java 17 or newer is needed"));

        int taken = platform.port("GATEWAY_SSH_PORT");
        try (ServerSocket holder = new ServerSocket(taken, 1, InetAddress.getLoopbackAddress())) {
            PlatformScript.Result busy = platform.run(60, "start");
            assertEquals(busy.toString(), 1, busy.exitCode);
            assertTrue(busy.output, busy.output.contains("port " + taken + " (gateway SSH) is already in use by java (pid "
                    + ProcessHandle.current().pid() + ")"));
            assertTrue(busy.output, busy.output.contains("nothing was started"));
        }
        assertEquals("bad input started processes", List.of(), platform.processes());
        assertFalse("bad input generated state", Files.exists(platform.runtime.resolve("admin-password")));
    }

    /** Waits (bounded) until the gateway's cluster:members lists every app container's endpoint as UP. */
    private static void awaitAppMembers(PlatformScript platform, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String listing = "";
        while (System.nanoTime() < deadline) {
            listing = platform.run(60, "exec", "cluster:members").output;
            boolean all = listing.contains("| gateway |");
            for (int i = 0; i < APPS; i++) {
                all &= Pattern.compile("\\| app +\\| 127\\.0\\.0\\.1:" + (platform.port("APP_HTTP_PORT_BASE") + i)
                        + " +\\| UP ").matcher(listing).find();
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within 120 s:\n" + listing);
    }

    private static Set<PosixFilePermission> executable() {
        return PosixFilePermissions.fromString("rwx------");
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One command over the OpenSSH client, the password handed over by SSH_ASKPASS (as ./platform does). */
    private static PlatformScript.Result ssh(String user, String password, int port, String command) throws Exception {
        Path askpass = Files.createTempFile(work, "askpass-", ".sh");
        Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + password + "'\n");
        Files.setPosixFilePermissions(askpass, executable());
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port), "-T",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1",
                "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", user + "@127.0.0.1", command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force",
                "DISPLAY", ":0"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("ssh did not finish", p.waitFor(30, TimeUnit.SECONDS));
        Files.delete(askpass);
        return new PlatformScript.Result(p.exitValue(), out);
    }
}
