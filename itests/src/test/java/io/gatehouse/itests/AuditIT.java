package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import io.gatehouse.api.persistence.SchemaMigrations;
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

    @Configuration
    public Option[] config() {
        List<Option> extra = new ArrayList<>(Arrays.asList(ControlledPostgres.options()));
        extra.add(features(GatehouseOptions.featuresRepository(), "gatehouse-persistence"));
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
}
