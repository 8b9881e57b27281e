package io.gatehouse.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Gatehouse distribution unpacked and run as its own JVM ({@code bin/karaf server}), for tests that need more
 * than one container (Pax Exam runs one) or that drive a browser from the test JVM.
 */
final class KarafProcess implements AutoCloseable {

    private final String name;
    private final Path home;
    private final int httpPort;
    private Process process;

    private KarafProcess(String name, Path home, int httpPort) {
        this.name = name;
        this.home = home;
        this.httpPort = httpPort;
    }

    /** Unpacks the distribution into {@code parent/name} and gives it free ports and the test's local repository. */
    static KarafProcess unpack(String name, Path parent) throws IOException, InterruptedException {
        String archive = System.getProperty("gatehouse.itest.distribution");
        if (archive == null || !Files.exists(Path.of(archive))) {
            throw new IllegalStateException("gatehouse.itest.distribution does not name the built distribution: " + archive);
        }
        Path dir = parent.resolve(name);
        Files.createDirectories(dir);
        run(dir, "tar", "xzf", archive, "--strip-components=1");
        int http = GatehouseOptions.freePort();
        KarafProcess karaf = new KarafProcess(name, dir, http);
        karaf.configure("etc/org.ops4j.pax.web.cfg", Map.of("org.osgi.service.http.port", String.valueOf(http)));
        karaf.configure("etc/org.apache.karaf.shell.cfg", Map.of("sshPort", String.valueOf(GatehouseOptions.freePort())));
        karaf.configure("etc/org.apache.karaf.management.cfg", Map.of(
                "rmiRegistryPort", String.valueOf(GatehouseOptions.freePort()),
                "rmiServerPort", String.valueOf(GatehouseOptions.freePort())));
        String repo = System.getProperty("gatehouse.itest.localRepository");
        if (repo != null) {
            karaf.configure("etc/org.ops4j.pax.url.mvn.cfg", Map.of("org.ops4j.pax.url.mvn.localRepository", repo));
        }
        return karaf;
    }

    /** Sets properties in a configuration file of this distribution (created when absent). */
    void configure(String file, Map<String, String> values) throws IOException {
        Path path = home.resolve(file);
        Properties p = new Properties();
        if (Files.exists(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                p.load(in);
            }
        }
        p.putAll(values);
        try (OutputStream out = Files.newOutputStream(path)) {
            p.store(out, "written by the Gatehouse integration tests");
        }
    }

    /** Adds features to those installed at boot. */
    void bootFeatures(String... features) throws IOException {
        Path path = home.resolve("etc/org.apache.karaf.features.cfg");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            p.load(in);
        }
        String boot = p.getProperty("featuresBoot", "");
        configure("etc/org.apache.karaf.features.cfg", Map.of("featuresBoot", boot + "," + String.join(",", features)));
    }

    void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_MAX_MEM", "512M");
        process = pb.start();
        // a test JVM that exits without reaching close() must not leave the container running
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-" + name));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** Waits until {@code /health} answers 200; fails with the end of the container's log otherwise. */
    void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " not healthy after " + timeout + " (last: " + last + ")\n" + logTail());
    }

    String logTail() {
        try {
            Path log = home.resolve("data/log/karaf.log");
            if (!Files.exists(log)) {
                return "(no karaf.log)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read karaf.log: " + e + ")";
        }
    }

    /** Stops the container: bin/karaf runs the JVM as its child, so the whole process tree is ended. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.toHandle().descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle p : tree) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
