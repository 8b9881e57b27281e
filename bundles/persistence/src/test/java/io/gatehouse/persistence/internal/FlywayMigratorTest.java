package io.gatehouse.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.tools.postgres.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Flyway against a real PostgreSQL: two owners in one schema, each with its own history. */
class FlywayMigratorTest {

    private static ThrowawayPostgres postgres;
    private static DataSource dataSource;

    @BeforeAll
    static void start() throws Exception {
        postgres = ThrowawayPostgres.start();
        var db = postgres.database();
        dataSource = dataSource(db.jdbcUrl(), db.user(), db.password());
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void appliesOnceThenIsANoOpAndOwnersAreIndependent() throws Exception {
        FlywayMigrator migrator = new FlywayMigrator(dataSource);
        ClassLoader loader = getClass().getClassLoader();
        assertEquals(2, migrator.migrate("sample", loader, "db/migration/sample"));
        assertEquals(0, migrator.migrate("sample", loader, "db/migration/sample"));
        // a second owner in the same, now non-empty, schema
        assertEquals(1, migrator.migrate("other", loader, "db/migration/other"));
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM schema_history_sample WHERE success AND version IS NOT NULL AND version <> '0'")) {
            rs.next();
            assertEquals(2, rs.getInt(1));
        }
    }

    @Test
    void badArgumentsAreNamed() {
        FlywayMigrator migrator = new FlywayMigrator(dataSource);
        ClassLoader loader = getClass().getClassLoader();
        IllegalArgumentException owner = assertThrows(IllegalArgumentException.class,
                () -> migrator.migrate("Bad Owner", loader, "db/migration/sample"));
        assertTrue(owner.getMessage().contains("'Bad Owner'"), owner.getMessage());
        IllegalArgumentException location = assertThrows(IllegalArgumentException.class,
                () -> migrator.migrate("nothing", loader, "db/migration/none"));
        assertTrue(location.getMessage().contains("db/migration/none"), location.getMessage());
    }

    @Test
    void unreachableDatabaseIsAClearError() {
        FlywayMigrator migrator = new FlywayMigrator(dataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "x", "y"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> migrator.migrate("sample", getClass().getClassLoader(), "db/migration/sample"));
        assertTrue(e.getMessage().contains("'sample'"), e.getMessage());
    }

    private static DataSource dataSource(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }
}
