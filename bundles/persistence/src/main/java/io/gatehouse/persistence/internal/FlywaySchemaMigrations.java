package io.gatehouse.persistence.internal;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.gatehouse.api.metrics.MetricNames;
import io.gatehouse.api.persistence.SchemaMigrations;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SchemaMigrations} on the Gatehouse DataSource, with Flyway embedded in this bundle. */
@Component(service = SchemaMigrations.class)
public class FlywaySchemaMigrations implements SchemaMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(FlywaySchemaMigrations.class);

    private final FlywayMigrator migrator;
    private final MetricRegistry metrics;

    @Activate
    public FlywaySchemaMigrations(@Reference(target = SchemaMigrations.DATASOURCE_FILTER) DataSource dataSource,
            @Reference MetricRegistry metrics) {
        this.migrator = new FlywayMigrator(dataSource);
        this.metrics = metrics;
    }

    @Override
    public int migrate(String owner, ClassLoader loader, String location) {
        Timer.Context timing = metrics.timer(MetricNames.name("gatehouse.db.query", "query", "migrate")).time();
        try {
            int applied = migrator.migrate(owner, loader, location);
            if (applied > 0) {
                LOG.info("Applied {} migration(s) of '{}' from {}", applied, owner, location);
            }
            return applied;
        } finally {
            timing.stop();
        }
    }
}
