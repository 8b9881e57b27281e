package io.gatehouse.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real Gatehouse distribution started as its own process by a test running in the driver JVM, for tests that
 * must act from outside the container (a browser, a shell client): unpacks the build's tar.gz, moves every listener
 * to a free loopback port, adds test users, boots extra features, and runs {@code bin/karaf server}.
 */
public final class GatehouseDistribution implements AutoCloseable {

    private final Path home;
    private final int httpPort = GatehouseOptions.freePort();
    private final int sshPort = GatehouseOptions.freePort();
    private final int httpsPort = GatehouseOptions.freePort();
    private Process process;

    private GatehouseDistribution(Path home) {
        this.home = home;
    }

    /** Unpacks the distribution named by {@code gatehouse.itest.distribution} under {@code target/<name>}. */
    public static GatehouseDistribution unpack(String name) throws IOException, InterruptedException {
        String archive = System.getProperty("gatehouse.itest.distribution");
        if (archive == null || !Files.isRegularFile(Path.of(archive))) {
            throw new IllegalStateException("gatehouse.itest.distribution must name the built tar.gz, was " + archive);
        }
        Path dir = Path.of("target", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(dir);
        run(dir, List.of("tar", "xzf", archive));
        try (Stream<Path> top = Files.list(dir)) {
            Path home = top.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new IllegalStateException("empty archive " + archive));
            GatehouseDistribution d = new GatehouseDistribution(home);
            d.config("org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(d.httpPort));
            d.config("org.apache.karaf.shell.cfg", "sshPort", String.valueOf(d.sshPort));
            d.config("org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(GatehouseOptions.freePort()));
            d.config("org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(GatehouseOptions.freePort()));
            // the public listener too (its defaults, 8443 and 8080, belong to a developer's ./platform)
            d.config("io.gatehouse.listener.cfg", "https.port", String.valueOf(d.httpsPort));
            d.config("io.gatehouse.listener.cfg", "http.port", String.valueOf(GatehouseOptions.freePort()));
            String repo = System.getProperty("gatehouse.itest.localRepository");
            if (repo != null) {
                d.config("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", repo);
            }
            return d;
        }
    }

    public Path home() {
        return home;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The gateway's public HTTPS port (the listener's {@code https.port}). */
    public int httpsPort() {
        return httpsPort;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** Sets {@code key = value} in {@code etc/<file>}, replacing an existing line. */
    public GatehouseDistribution config(String file, String key, String value) throws IOException {
        Path cfg = home.resolve("etc").resolve(file);
        List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg)) : new ArrayList<>();
        Pattern existing = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (existing.matcher(lines.get(i)).matches()) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(cfg, lines);
        return this;
    }

    /** Writes a whole {@code etc/<file>}. */
    public GatehouseDistribution file(String file, String content) throws IOException {
        Files.writeString(home.resolve("etc").resolve(file), content);
        return this;
    }

    /** Adds a user (clear text here; Karaf hashes it on first login) in a group of etc/users.properties. */
    public GatehouseDistribution user(String name, String password, String group) throws IOException {
        Files.writeString(home.resolve("etc/users.properties"), name + " = " + password + ",_g_:" + group + "\n",
                StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.APPEND);
        return this;
    }

    /** Adds features to the boot features, installed from the distribution's own repositories. */
    public GatehouseDistribution bootFeatures(String... features) throws IOException {
        Path cfg = home.resolve("etc/org.apache.karaf.features.cfg");
        String text = Files.readString(cfg);
        Matcher m = Pattern.compile("featuresBoot\\s*=\\s*\\\\?\\s*\\n").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no featuresBoot in " + cfg);
        }
        StringBuilder added = new StringBuilder();
        for (String f : features) {
            added.append("    ").append(f).append(", \\\n");
        }
        Files.writeString(cfg, text.substring(0, m.end()) + added + text.substring(m.end()));
        return this;
    }

    public GatehouseDistribution start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("karaf.out").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_MAX_MEM", "768m");
        process = pb.start();
        return this;
    }

    /** Polls {@code path} with the given credentials until it answers {@code status}; fails after {@code timeout}. */
    public HttpResponse<String> await(String path, String user, String password, int status, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + process.exitValue() + ", see " + home.resolve("karaf.out"));
            }
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
                if (user != null) {
                    request.header("Authorization", basic(user, password));
                }
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == status) {
                    return r;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(path + " did not answer " + status + " within " + timeout + ": " + last);
    }

    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs Karaf shell commands through {@code bin/client} (SSH) and returns what they printed. An SSH session that
     * the container closes before the command channel opens (the client then prints only SSHD's "Session is being
     * closed" and exits 1, and no command ran) is tried again, up to three times; what persists fails with the
     * container's SSH log lines.
     */
    public String shell(String user, String password, String commands) throws IOException, InterruptedException {
        String out = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-a",
                    String.valueOf(sshPort), "-h", "127.0.0.1", "-u", user, "-p", password, "-r", "10", "-b")
                    .redirectErrorStream(true);
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process client = pb.start();
            try (OutputStream in = client.getOutputStream()) {
                in.write((commands + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("\u001B\\[[;\\d]*[ -/]*[@-~]", "");
            if (!client.waitFor(60, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new IllegalStateException("bin/client did not finish: " + out);
            }
            if (client.exitValue() == 0 || !SSH_SESSION_LOST.matcher(out.strip()).matches()) {
                return out;
            }
            Thread.sleep(1000L * attempt);
        }
        String sshLog = log().lines().filter(l -> l.contains("org.apache.sshd") || l.contains("karaf.shell.ssh"))
                .filter(l -> !l.contains("\"level\":\"INFO\"")).collect(Collectors.joining("\n"));
        throw new IllegalStateException("bin/client lost its SSH session three times running '" + commands + "': "
                + out.strip() + "\ncontainer's SSH warnings:\n" + sshLog);
    }

    /** What bin/client prints when the SSH session ends before a command could run. */
    private static final Pattern SSH_SESSION_LOST = Pattern.compile(
            "(?i)(session is being closed|.*SshException.*)");

    /**
     * A TLS context trusting the certificate the listener generated into {@code etc/} on its first start (waits for
     * it): real HTTPS to the gateway, trusted by loading its certificate, never by switching checks off.
     */
    public javax.net.ssl.SSLContext gatewayTls(Duration timeout) throws Exception {
        return ListenerCertificate.await(home.resolve("etc"), timeout).sslContext();
    }

    public String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        try {
            run(home, List.of(home.resolve("bin/stop").toString()));
        } catch (IOException | IllegalStateException e) {
            // fall through to ending the processes
        }
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}
