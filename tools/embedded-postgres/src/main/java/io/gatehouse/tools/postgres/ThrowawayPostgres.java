package io.gatehouse.tools.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
        return new ThrowawayPostgres(dir, db);
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

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
