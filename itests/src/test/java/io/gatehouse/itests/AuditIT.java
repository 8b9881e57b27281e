package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.AuditLog;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.audit.SecurityEvents;
import io.gatehouse.api.persistence.SchemaMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import javax.sql.DataSource;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;

/**
 * The database layer and the audit trail in the real distribution, against a real PostgreSQL that the test stops
 * and restarts ({@link ControlledPostgres}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuditIT {

    @Inject
    @Filter(timeout = 60_000)
    private SchemaMigrations migrations;

    @Inject
    @Filter(value = SchemaMigrations.DATASOURCE_FILTER, timeout = 60_000)
    private DataSource dataSource;

    @Inject
    @Filter(timeout = 60_000)
    private AuditLog auditLog;

    @Inject
    @Filter(timeout = 60_000)
    private SecurityEvents securityEvents;

    @Inject
    @Filter(timeout = 60_000)
    private SessionFactory sessions;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        List<Option> extra = new ArrayList<>(Arrays.asList(ControlledPostgres.options()));
        extra.add(features(GatehouseOptions.featuresRepository(), "gatehouse-audit"));
        return GatehouseOptions.gatehouse(extra.toArray(new Option[0]));
    }

    @Before
    public void databaseRunning() throws Exception {
        ControlledPostgres.start();
        awaitConnection(Duration.ofSeconds(60));
    }

    private void awaitConnection(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the pooled DataSource did not reconnect within " + timeout, e);
                }
            }
            Thread.sleep(200);
        }
    }

    private boolean tableExists(String table) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet rs = meta.getTables(null, "public", table, new String[] {"TABLE"})) {
                return rs.next();
            }
        }
    }

    @Test
    public void migrationsFromAnotherBundleApplyOnceThenAreANoOp() throws Exception {
        ClassLoader probe = getClass().getClassLoader();
        assertEquals(1, migrations.migrate("itest", probe, "db/itest"));
        assertTrue(tableExists("itest_notes"));
        assertTrue(tableExists("schema_history_itest"));
        assertEquals(0, migrations.migrate("itest", probe, "db/itest"));
    }

    @Test
    public void dataSourceFailsFastWhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        ControlledPostgres.stop();
        try {
            long started = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                c.createStatement().execute("SELECT 1");
                throw new AssertionError("a connection to a stopped database worked");
            } catch (java.sql.SQLException expected) {
                long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                // connectTimeout 3 s + maxWait 3 s bound it; a caller must never hang on a dead database
                assertTrue("failed after " + seconds + " s: " + expected, seconds < 15);
            }
        } finally {
            ControlledPostgres.start();
        }
        awaitConnection(Duration.ofSeconds(30));
    }

    // ----- audit -----

    /** Runs a shell command; returns its output, or throws with the output when the command failed. */
    private String shell(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(new java.io.ByteArrayInputStream(new byte[0]), out, out);
        try {
            session.execute(command);
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            out.flush();
            throw new ShellFailure(bytes.toString(StandardCharsets.UTF_8), e);
        } finally {
            session.close();
        }
    }

    static final class ShellFailure extends Exception {
        final String output;

        ShellFailure(String output, Exception cause) {
            super(cause.getMessage() + "\n" + output, cause);
            this.output = output;
        }
    }

    private long countStored(Set<UUID> ids) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit_log WHERE event_id = ANY (?::uuid[])")) {
            ps.setArray(1, c.createArrayOf("text", ids.stream().map(UUID::toString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void awaitStored(Set<UUID> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long stored = -1;
        while (System.nanoTime() < deadline) {
            try {
                stored = countStored(ids);
                if (stored == ids.size()) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                // the database may still be coming back
            }
            Thread.sleep(100);
        }
        throw new AssertionError(stored + " of " + ids.size() + " events stored after " + timeout + "\n" + shell("audit:spool"));
    }

    private static AuditEvent event(String actor, String action) {
        return AuditEvent.of(actor, action, "record/1", "success", "127.0.0.1", UUID.randomUUID().toString());
    }

    @Test
    public void auditMigrationsCreatedTheSchemaAndAreANoOpTheSecondTime() throws Exception {
        Bundle audit = java.util.Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals("io.gatehouse.audit")).findFirst().orElseThrow();
        ClassLoader loader = audit.adapt(BundleWiring.class).getClassLoader();
        // the audit bundle migrated at start (its drainer retries until the database is there)
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!tableExists("audit_log") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(tableExists("audit_log"));
        assertTrue(tableExists("security_events"));
        assertTrue(tableExists("audit_chain_head"));
        assertEquals(0, migrations.migrate("audit", loader, "db/migration/audit"));
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM schema_history_audit WHERE success AND type = 'SQL'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    public void recordedEventsAppearInTheDatabase() throws Exception {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            AuditEvent e = event("alice", "record.create");
            auditLog.record(e);
            ids.add(e.id());
        }
        SecurityEvent denied = SecurityEvent.of(SecurityEventType.ACCESS_DENIED, "", "203.0.113.9", "req-1", "deny 203.0.113.0/24");
        securityEvents.record(denied);
        awaitStored(ids, Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("SELECT type, client_address FROM security_events WHERE event_id = ?::uuid")) {
                ps.setString(1, denied.id().toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        assertEquals("ACCESS_DENIED", rs.getString(1));
                        assertEquals("203.0.113.9", rs.getString(2));
                        break;
                    }
                }
            }
            assertTrue("security event not stored", System.nanoTime() < deadline);
            Thread.sleep(100);
        }
        String tail = shell("audit:tail 5");
        assertTrue(tail, tail.contains("alice") && tail.contains("record.create"));
    }

    @Test
    public void whileTheDatabaseIsDownEventsAreKeptAndThenArriveExactlyOnce() throws Exception {
        ControlledPostgres.stop();
        Set<UUID> ids = new HashSet<>();
        try {
            for (int i = 0; i < 1000; i++) {
                AuditEvent e = event("outage-" + i, "record.update");
                auditLog.record(e); // returns once the event is durable in the local spool
                ids.add(e.id());
            }
            String spool = shell("audit:spool");
            assertTrue(spool, spool.contains("WAITING_FOR_DATABASE") || spool.contains("DRAINING"));
        } finally {
            ControlledPostgres.start();
        }
        awaitConnection(Duration.ofSeconds(60));
        awaitStored(ids, Duration.ofSeconds(120));
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*), count(DISTINCT event_id) FROM audit_log WHERE actor LIKE 'outage-%'")) {
            rs.next();
            assertEquals("exactly the 1,000 events, none twice", 1000, rs.getLong(1));
            assertEquals(1000, rs.getLong(2));
        }
        String verify = shell("audit:verify");
        assertTrue(verify, verify.contains("INTACT"));
    }

    @Test
    public void invalidEventsAreRefusedAndDoNotPoisonTheirBatch() throws Exception {
        Set<UUID> good = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            AuditEvent ok = event("bob", "record.delete");
            auditLog.record(ok);
            good.add(ok.id());
            try {
                auditLog.record(i % 2 == 0
                        ? new AuditEvent(UUID.randomUUID(), java.time.Instant.now(), null, "record.delete", "", "success", "", "")
                        : AuditEvent.of("bob", "record.delete", "x".repeat(100_000), "success", "", ""));
                throw new AssertionError("an invalid event was accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains(i % 2 == 0 ? "'actor'" : "'target'"));
            }
        }
        try {
            securityEvents.record(SecurityEvent.of(null, "", "1.2.3.4", "", ""));
            throw new AssertionError("a security event without a type was accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("'type'"));
        }
        awaitStored(good, Duration.ofSeconds(60));
    }

    @Test
    public void verifyNamesTheAlteredOrRemovedRow() throws Exception {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            AuditEvent e = event("carol", "record.read");
            auditLog.record(e);
            ids.add(e.id());
        }
        awaitStored(ids, Duration.ofSeconds(60));
        assertTrue(shell("audit:verify").contains("INTACT"));
        long seq;
        String outcome;
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT max(seq) - 5 FROM audit_log")) {
            rs.next();
            seq = rs.getLong(1);
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT outcome FROM audit_log WHERE seq = ?")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    outcome = rs.getString(1);
                }
            }
            update(c, "UPDATE audit_log SET outcome = 'denied' WHERE seq = ?", seq);
            assertVerifyNames(seq, "altered");
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET outcome = ? WHERE seq = ?")) {
                ps.setString(1, outcome);
                ps.setLong(2, seq);
                ps.executeUpdate();
            }
            assertTrue(shell("audit:verify").contains("INTACT"));
            c.createStatement().execute("CREATE TEMP TABLE audit_log_saved (LIKE audit_log)");
            update(c, "INSERT INTO audit_log_saved SELECT * FROM audit_log WHERE seq = ?", seq);
            update(c, "DELETE FROM audit_log WHERE seq = ?", seq);
            assertVerifyNames(seq, "removed");
            update(c, "INSERT INTO audit_log SELECT * FROM audit_log_saved WHERE seq = ?", seq);
            c.createStatement().execute("DROP TABLE audit_log_saved");
            assertTrue(shell("audit:verify").contains("INTACT"));
        }
    }

    private static void update(Connection c, String sql, long seq) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            ps.execute();
        }
    }

    private void assertVerifyNames(long seq, String what) throws Exception {
        try {
            String output = shell("audit:verify");
            throw new AssertionError("audit:verify passed a tampered table:\n" + output);
        } catch (ShellFailure failure) {
            assertTrue(failure.output, failure.output.contains("TAMPERED"));
            assertTrue(failure.output, failure.output.contains("seq " + seq));
            assertTrue(failure.getMessage(), failure.getMessage().contains(what));
        }
    }
}
