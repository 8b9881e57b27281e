package io.gatehouse.bench.audit;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.audit.internal.AuditConfig;
import io.gatehouse.audit.internal.AuditService;
import io.gatehouse.audit.internal.ChainVerifier;
import io.gatehouse.persistence.internal.FlywayMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Drives the audit service (validation, durable group-commit spool, batched drainer) from many threads against a
 * real PostgreSQL with fsync on, for a fixed time, and prints events/s accepted and persisted and record() latency.
 * <p>
 * Usage: {@code AuditThroughput [seconds=30] [threads=64] [securityShare=0.1] [rate=0]}: {@code rate} is the
 * offered load in events/s over all threads (0: as fast as the callers can go).
 */
public final class AuditThroughput {

    private AuditThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        double securityShare = args.length > 2 ? Double.parseDouble(args[2]) : 0.1;
        long rate = args.length > 3 ? Long.parseLong(args[3]) : 0;
        Path work = Files.createTempDirectory("gatehouse-audit-bench-");
        if (!measure(work, seconds, threads, securityShare, rate)) {
            System.out.println("kept " + work + " (the server's data and the spool) for inspection");
            System.exit(1);
        }
        // the server's data and the spool: up to several hundred MB after a long run
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Runs the benchmark in {@code work}; false when the stored events do not match the accepted ones. */
    private static boolean measure(Path work, int seconds, int threads, double securityShare, long rate)
            throws Exception {
        // a durable PostgreSQL: the embedded defaults switch fsync off, the benchmark switches it back on
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg")).setCleanDataDirectory(true)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on").start()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(pg.getJdbcUrl("postgres", "postgres"));
            try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
                rs.next();
                System.out.printf("PostgreSQL %s, fsync=%s synchronous_commit=%s%n",
                        c.getMetaData().getDatabaseProductVersion(), rs.getString(1), rs.getString(2));
            }
            return run(ds, work.resolve("spool"), seconds, threads, securityShare, rate);
        }
    }

    private static boolean run(DataSource ds, Path spoolDir, int seconds, int threads, double securityShare, long rate)
            throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        FlywayMigrator migrator = new FlywayMigrator(ds);
        migrator.migrate("audit", AuditService.class.getClassLoader(), "db/migration/audit");
        AuditService audit = new AuditService(ds, migrator::migrate, metrics, config(spoolDir));
        System.out.printf("%d threads for %d s, %.0f%% security events, offered load %s, spool %s%n", threads, seconds,
                securityShare * 100, rate == 0 ? "unlimited" : rate + " events/s", spoolDir);
        long intervalNanos = rate == 0 ? 0 : threads * 1_000_000_000L / rate;
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder accepted = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                long i = 0;
                long next = System.nanoTime();
                while (running.get()) {
                    i++;
                    if (intervalNanos > 0) {
                        // open-loop pacing: each thread offers its share of the load on a fixed schedule
                        next += intervalNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    if ((i % 1000) < securityShare * 1000) {
                        audit.record(SecurityEvent.of(SecurityEventType.RATE_LIMITED, "", "198.51.100." + id,
                                "req-" + id + "-" + i, "zone api"));
                    } else {
                        audit.record(AuditEvent.of("user" + id, "record.update", "record/" + i, "success",
                                "198.51.100." + id, "req-" + id + "-" + i));
                    }
                    accepted.increment();
                }
            }, "bench-" + t);
            workers.add(w);
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        long lastAccepted = 0;
        long lastStored = 0;
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(s) - System.nanoTime()) / 1_000_000);
            long a = accepted.sum();
            long st = stored(ds);
            System.out.printf("t=%3ds accepted %7d/s persisted %7d/s spool %7d events%n", s, a - lastAccepted,
                    st - lastStored, audit.snapshot().events());
            lastAccepted = a;
            lastStored = st;
        }
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        double window = (System.nanoTime() - start) / 1e9;
        long acceptedTotal = accepted.sum();
        long storedInWindow = stored(ds);
        long drainStart = System.nanoTime();
        while (audit.snapshot().events() > 0) {
            Thread.sleep(20);
        }
        double drain = (System.nanoTime() - drainStart) / 1e9;
        long storedTotal = stored(ds);
        Snapshot latency = metrics.timer("gatehouse.audit.record").getSnapshot();
        ChainVerifier.Result chain;
        try (Connection c = ds.getConnection()) {
            chain = ChainVerifier.verify(c);
        }
        System.out.println();
        System.out.printf("accepted : %d events in %.1f s = %.0f events/s%n", acceptedTotal, window, acceptedTotal / window);
        System.out.printf("persisted: %d events in the window = %.0f events/s; backlog drained %.1f s after the window%n",
                storedInWindow, storedInWindow / window, drain);
        System.out.printf("stored   : %d of %d accepted (%s)%n", storedTotal, acceptedTotal,
                storedTotal == acceptedTotal ? "all, none twice" : "MISMATCH");
        System.out.printf("record() latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                latency.getMedian() / 1e6, latency.get99thPercentile() / 1e6, latency.get999thPercentile() / 1e6,
                latency.getMax() / 1e6);
        System.out.printf("batch write (gatehouse.db.query audit_batch): mean %.1f ms over %d batches%n",
                metrics.timer("gatehouse.db.query{query=\"audit_batch\"}").getSnapshot().getMean() / 1e6,
                metrics.timer("gatehouse.db.query{query=\"audit_batch\"}").getCount());
        System.out.printf("hash chain: %s, %d audit rows checked%n", chain.intact() ? "intact" : chain.problem(),
                chain.rowsChecked());
        audit.deactivate();
        return storedTotal == acceptedTotal;
    }

    private static long stored(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM security_events)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static AuditConfig config(Path spool) {
        return new AuditConfig() {
            @Override public Class<? extends Annotation> annotationType() { return AuditConfig.class; }
            @Override public String spoolDirectory() { return spool.toString(); }
            @Override public long maxSpoolBytes() { return 4L << 30; }
            @Override public long segmentBytes() { return 64L << 20; }
            @Override public int batchSize() { return 2000; }
            @Override public long flushIntervalMs() { return 200; }
        };
    }

}
