package io.gatehouse.tools.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A throwaway Gatehouse database for one test run: a fresh data directory and a free port, both gone after
 * {@link #close()}. Shared by every test class in one JVM through {@link #shared()}.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    private static ThrowawayPostgres shared;

    private final Path dir;
    private final GatehouseDatabase database;

    private ThrowawayPostgres(Path dir, GatehouseDatabase database) {
        this.dir = dir;
        this.database = database;
    }

    public static ThrowawayPostgres start() throws IOException {
        Path dir = Files.createTempDirectory("gatehouse-pg-");
        GatehouseDatabase db = GatehouseDatabase.start(dir.resolve("data"), freePort(), dir.resolve("secrets"));
        stopWhenThisJvmDies(dir);
        return new ThrowawayPostgres(dir, db);
    }

    /**
     * A shutdown hook does not run when the JVM is killed (a test fork that does not exit in time is): a small
     * watcher process then stops PostgreSQL (fast shutdown, by the postmaster's pid) and removes its directory.
     */
    private static void stopWhenThisJvmDies(Path dir) throws IOException {
        String script = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
                + "if [ -f \"$2/data/postmaster.pid\" ]; then pid=$(head -1 \"$2/data/postmaster.pid\"); "
                + "kill -INT \"$pid\" 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 \"$pid\" 2>/dev/null || break; sleep 1; done; fi; "
                + "rm -rf \"$2\"";
        new ProcessBuilder("sh", "-c", script, "gatehouse-pg-watch", String.valueOf(ProcessHandle.current().pid()),
                dir.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** One server for the whole JVM, started on first use and stopped when the JVM exits. */
    public static synchronized ThrowawayPostgres shared() throws IOException {
        if (shared == null) {
            ThrowawayPostgres pg = start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "throwaway-postgres-stop"));
            shared = pg;
        }
        return shared;
    }

    /** A port free now, that no outgoing connection takes before its server binds it (see {@link FreePorts}). */
    public static int freePort() throws IOException {
        return FreePorts.next();
    }

    public GatehouseDatabase database() {
        return database;
    }

    @Override
    public void close() {
        database.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
