package io.gatehouse.audit.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.AuditLog;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEvents;
import io.gatehouse.api.metrics.MetricNames;
import io.gatehouse.api.persistence.SchemaMigrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditLog} and {@link SecurityEvents}: validate, append to the durable spool, return; the {@link Drainer}
 * stores the spool in PostgreSQL in batches.
 */
@Component(immediate = true, configurationPid = "io.gatehouse.audit",
        service = {AuditLog.class, SecurityEvents.class, AuditStatus.class})
@Designate(ocd = AuditConfig.class)
public class AuditService implements AuditLog, SecurityEvents, AuditStatus {

    private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
    private static final List<String> GAUGES = List.of("gatehouse.audit.spool.bytes", "gatehouse.audit.spool.events",
            "gatehouse.audit.spool.oldest.age", "gatehouse.audit.spool.max.bytes");

    private final DataSource dataSource;
    private final MetricRegistry metrics;
    private final Spool spool;
    private final Drainer drainer;
    private final Timer recordTimer;
    private final Counter rejected;
    private final Counter refused;
    private volatile AuditSettings settings;

    @Activate
    public AuditService(@Reference(target = SchemaMigrations.DATASOURCE_FILTER) DataSource dataSource,
            @Reference SchemaMigrations migrations, @Reference MetricRegistry metrics, AuditConfig config)
            throws IOException {
        this.dataSource = dataSource;
        this.metrics = metrics;
        Path defaultSpool = Path.of(System.getProperty("karaf.data", "data"), "audit-spool");
        AuditSettings s;
        try {
            s = AuditSettings.of(config, defaultSpool);
        } catch (IllegalArgumentException e) {
            LOG.error("Audit: {}; starting with the default audit settings instead", e.getMessage());
            s = new AuditSettings(defaultSpool, 1L << 30, 64L << 20, 2000, 200);
        }
        this.settings = s;
        this.spool = new Spool(s.spoolDirectory(), s.maxSpoolBytes(), s.segmentBytes());
        ClassLoader loader = AuditService.class.getClassLoader();
        Timer batchTimer = metrics.timer(MetricNames.name("gatehouse.db.query", "query", "audit_batch"));
        Counter storedAudit = metrics.counter(MetricNames.name("gatehouse.audit.stored", "kind", "audit"));
        Counter storedSecurity = metrics.counter(MetricNames.name("gatehouse.audit.stored", "kind", "security"));
        this.drainer = new Drainer(spool, dataSource, () -> migrations.migrate("audit", loader, "db/migration/audit"),
                s.batchSize(), s.flushIntervalMs(), (events, rows, nanos) -> {
                    batchTimer.update(nanos, TimeUnit.NANOSECONDS);
                    storedAudit.inc(rows.audit());
                    storedSecurity.inc(rows.security());
                });
        this.recordTimer = metrics.timer(MetricNames.name("gatehouse.audit.record"));
        this.rejected = metrics.counter(MetricNames.name("gatehouse.audit.rejected", "reason", "invalid"));
        this.refused = metrics.counter(MetricNames.name("gatehouse.audit.rejected", "reason", "spool_full"));
        metrics.register(GAUGES.get(0), (Gauge<Long>) spool::bytes);
        metrics.register(GAUGES.get(1), (Gauge<Long>) spool::events);
        metrics.register(GAUGES.get(2), (Gauge<Double>) () -> {
            Instant oldest = drainer.oldestPending();
            return oldest == null ? 0.0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
        });
        metrics.register(GAUGES.get(3), (Gauge<Long>) spool::maxBytes);
        if (spool.events() > 0) {
            LOG.info("Audit: {} events ({} bytes) wait in the spool {} from before; storing them", spool.events(),
                    spool.bytes(), spool.directory());
        }
        drainer.start();
    }

    @Modified
    void modified(AuditConfig config) {
        AuditSettings next;
        try {
            next = AuditSettings.of(config, settings.spoolDirectory());
        } catch (IllegalArgumentException e) {
            LOG.error("Audit: {}; keeping the current settings", e.getMessage());
            return;
        }
        if (!next.spoolDirectory().equals(settings.spoolDirectory()) || next.segmentBytes() != settings.segmentBytes()) {
            LOG.warn("Audit: spoolDirectory and segmentBytes are read at start; {} stays in use until the audit bundle "
                    + "restarts", settings.spoolDirectory());
        }
        spool.maxBytes(next.maxSpoolBytes());
        drainer.tune(next.batchSize(), next.flushIntervalMs());
        settings = next;
    }

    @Deactivate
    public void deactivate() throws Exception {
        GAUGES.forEach(metrics::remove);
        drainer.stop(30_000);
        spool.close();
    }

    @Override
    public void record(AuditEvent event) {
        append(() -> SpooledEvent.of(EventValidator.check(event)));
    }

    @Override
    public void record(SecurityEvent event) {
        append(() -> SpooledEvent.of(EventValidator.check(event)));
    }

    private void append(Supplier<SpooledEvent> validated) {
        SpooledEvent event;
        try {
            event = validated.get();
        } catch (IllegalArgumentException e) {
            rejected.inc();
            throw e;
        }
        long started = System.nanoTime();
        try {
            spool.append(event);
        } catch (Spool.FullException e) {
            refused.inc();
            LOG.error("Audit: {}", e.getMessage());
            throw e;
        } catch (UncheckedIOException e) {
            LOG.error("Audit: the spool {} cannot write: {}", spool.directory(), e.getCause().toString());
            throw e;
        }
        recordTimer.update(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (spool.events() >= settings.batchSize()) {
            drainer.wake();
        }
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(spool.directory().toString(), spool.bytes(), spool.maxBytes(), spool.events(),
                drainer.oldestPending(), drainer.state(), drainer.storedEvents(), drainer.lastStored(),
                drainer.lastError(), drainer.lastErrorTime());
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }
}
