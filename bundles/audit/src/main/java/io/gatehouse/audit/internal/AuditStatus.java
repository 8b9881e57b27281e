package io.gatehouse.audit.internal;

import java.time.Instant;
import javax.sql.DataSource;

/** What the audit shell commands read: the spool's and the drainer's state, and the database. */
public interface AuditStatus {

    /** One snapshot for {@code audit:spool}. */
    record Snapshot(String directory, long bytes, long maxBytes, long events, Instant oldestPending,
            Drainer.State state, long storedEvents, Instant lastStored, String lastError, Instant lastErrorTime) {
    }

    Snapshot snapshot();

    DataSource dataSource();
}
