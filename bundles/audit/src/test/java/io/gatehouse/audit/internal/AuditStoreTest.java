package io.gatehouse.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.persistence.internal.FlywayMigrator;
import io.gatehouse.tools.postgres.ThrowawayPostgres;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database side against a real PostgreSQL: batches, replays, the chain and its verification, the drainer. */
class AuditStoreTest {

    private static ThrowawayPostgres postgres;
    private static TestDataSource dataSource;

    @TempDir
    Path spoolDir;

    @BeforeAll
    static void start() throws Exception {
        postgres = ThrowawayPostgres.start();
        var db = postgres.database();
        dataSource = new TestDataSource(db.jdbcUrl(), db.user(), db.password());
        new FlywayMigrator(dataSource).migrate("audit", AuditStoreTest.class.getClassLoader(), "db/migration/audit");
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @BeforeEach
    void empty() throws Exception {
        sql("TRUNCATE audit_log, security_events");
        sql("UPDATE audit_chain_head SET seq = 0, hash = repeat('0', 64)");
        dataSource.down.set(false);
    }

    @org.junit.jupiter.api.AfterEach
    void up() {
        dataSource.down.set(false);
    }

    /** A connection that ignores the simulated outage: the test's own view of the database. */
    private static Connection direct() throws SQLException {
        var db = postgres.database();
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = direct(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.execute();
        }
    }

    private static long count(String table) throws SQLException {
        try (Connection c = direct();
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<SpooledEvent> batch(int n) {
        List<SpooledEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(SpoolTest.audit(i));
            if (i % 10 == 0) {
                events.add(SpooledEvent.of(EventValidator.check(SecurityEvent.of(SecurityEventType.FAILED_LOGIN, "u" + i,
                        "192.0.2.1", "r" + i, "bad password"))));
            }
        }
        return events;
    }

    private static ChainVerifier.Result verify() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return ChainVerifier.verify(c);
        }
    }

    @Test
    void aReplayedBatchStoresNothingTwiceAndTheChainStaysIntact() throws Exception {
        List<SpooledEvent> events = batch(100);
        try (Connection c = dataSource.getConnection()) {
            assertEquals(new AuditStore.Stored(100, 10), AuditStore.store(c, events));
            assertEquals(new AuditStore.Stored(0, 0), AuditStore.store(c, events));
            List<SpooledEvent> more = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                more.add(SpoolTest.audit(1000 + i));
            }
            assertEquals(new AuditStore.Stored(5, 0), AuditStore.store(c, more));
        }
        assertEquals(105, count("audit_log"));
        assertEquals(10, count("security_events"));
        ChainVerifier.Result result = verify();
        assertTrue(result.intact(), result.problem());
        assertEquals(105, result.rowsChecked());
    }

    @Test
    void verifyNamesAnAlteredRow() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            AuditStore.store(c, batch(50));
        }
        sql("UPDATE audit_log SET outcome = 'failure' WHERE seq = 17");
        ChainVerifier.Result result = verify();
        assertFalse(result.intact());
        assertEquals(17L, result.badSeq());
        assertTrue(result.problem().contains("seq 17") && result.problem().contains("altered"), result.problem());
    }

    @Test
    void verifyNamesARemovedRowInTheMiddleAndAtTheEnd() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            AuditStore.store(c, batch(50));
        }
        sql("DELETE FROM audit_log WHERE seq = 50");
        ChainVerifier.Result last = verify();
        assertEquals(50L, last.badSeq(), last.problem());
        assertTrue(last.problem().contains("seq 50") && last.problem().contains("removed"), last.problem());
        sql("DELETE FROM audit_log WHERE seq = 23");
        ChainVerifier.Result middle = verify();
        assertEquals(23L, middle.badSeq(), middle.problem());
        assertTrue(middle.problem().contains("seq 23") && middle.problem().contains("removed"), middle.problem());
    }

    @Test
    void whileTheDatabaseIsDownEventsWaitAndThenArriveExactlyOnce() throws Exception {
        try (Spool spool = new Spool(spoolDir, 1 << 24, 1 << 20)) {
            Drainer drainer = new Drainer(spool, dataSource, () -> { }, 300, 20, (n, rows, nanos) -> { });
            dataSource.down.set(true);
            drainer.start();
            for (int i = 0; i < 1000; i++) {
                spool.append(SpoolTest.audit(i));
            }
            awaitState(drainer, Drainer.State.WAITING_FOR_DATABASE);
            assertEquals(1000, spool.events());
            assertEquals(0, count("audit_log"));
            dataSource.down.set(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (spool.events() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            drainer.stop(5000);
            assertEquals(0, spool.events());
            assertEquals(1000, count("audit_log"));
            try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(DISTINCT event_id), count(DISTINCT actor) FROM audit_log")) {
                rs.next();
                assertEquals(1000, rs.getLong(1));
                assertEquals(1000, rs.getLong(2));
            }
            assertTrue(verify().intact());
        }
    }

    private static void awaitState(Drainer drainer, Drainer.State state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (drainer.state() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("drainer is " + drainer.state() + ", expected " + state);
            }
            Thread.sleep(10);
        }
    }

    /** DriverManager behind the DataSource interface; {@code down} makes it refuse like an unreachable server. */
    static final class TestDataSource implements DataSource {
        final AtomicBoolean down = new AtomicBoolean();
        private final String url;
        private final String user;
        private final String password;

        TestDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("Connection to 127.0.0.1 refused", "08001");
            }
            return DriverManager.getConnection(url, user, password);
        }

        @Override public Connection getConnection(String u, String p) throws SQLException { return getConnection(); }
        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() { return Logger.getGlobal(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }
}
