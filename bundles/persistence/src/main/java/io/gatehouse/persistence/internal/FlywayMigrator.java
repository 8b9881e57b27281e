package io.gatehouse.persistence.internal;

import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs one owner's SQL migrations with Flyway, keeping that owner's history in its own table
 * ({@code schema_history_<owner>}), so owners share the schema yet migrate independently.
 */
public final class FlywayMigrator {

    static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private final DataSource dataSource;

    public FlywayMigrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static String historyTable(String owner) {
        return "schema_history_" + owner;
    }

    /** See {@link io.gatehouse.api.persistence.SchemaMigrations#migrate}. */
    public int migrate(String owner, ClassLoader loader, String location) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("migration owner must match " + OWNER + ", was '" + owner + "'");
        }
        if (loader == null) {
            throw new IllegalArgumentException("migration owner '" + owner + "' gave no class loader");
        }
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("migration owner '" + owner + "' gave no location");
        }
        MigrationResources resources = MigrationResources.of(loader, location);
        if (resources.names().isEmpty()) {
            throw new IllegalArgumentException("no migrations (*.sql) found at '" + location + "' for owner '" + owner + "'");
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Flyway finds its plugins through its own loader; the context loader is set for anything it probes
        thread.setContextClassLoader(Flyway.class.getClassLoader());
        try {
            Flyway flyway = Flyway.configure(loader)
                    .dataSource(dataSource)
                    .table(historyTable(owner))
                    .locations("classpath:" + location)
                    .resourceProvider(resources)
                    .javaMigrationClassProvider(List::of)
                    // the schema is shared: another owner's tables are not a reason to refuse
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .failOnMissingLocations(false)
                    .load();
            MigrateResult result = flyway.migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new IllegalStateException("migrations of '" + owner + "' at '" + location + "' failed: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
