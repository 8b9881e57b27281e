package io.gatehouse.tools.postgres;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the Gatehouse database in the foreground until the process is told to stop (SIGTERM or SIGINT), then stops
 * PostgreSQL cleanly. Used by {@code ./platform}.
 * <p>
 * Usage: {@code java -jar launcher.jar <data-dir> <port> <secrets-dir>}
 */
public final class PostgresLauncher {

    private PostgresLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PostgresLauncher <data-dir> <port> <secrets-dir>");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            System.err.println("database port must be a number, was '" + args[1] + "'");
            System.exit(2);
            return;
        }
        GatehouseDatabase db = GatehouseDatabase.start(Path.of(args[0]), port, Path.of(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            db.close();
            stopped.countDown();
        }, "postgres-stop"));
        System.out.println("PostgreSQL ready at " + db.jdbcUrl());
        System.out.flush();
        stopped.await();
    }
}
