package io.gatehouse.audit.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that moves spooled events into PostgreSQL: makes sure the schema exists, reads a batch from the
 * checkpoint, stores it in one transaction, then moves the checkpoint. When the database fails, the same batch is
 * retried with a growing pause (at most {@link #MAX_BACKOFF_MS}) while the spool keeps accepting events.
 */
public final class Drainer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Drainer.class);
    static final long MAX_BACKOFF_MS = 5_000;

    /** What the drainer is doing now. */
    public enum State { STARTING, DRAINING, IDLE, WAITING_FOR_DATABASE, STOPPED }

    /** Told about every stored batch (metrics). */
    public interface Listener {
        void stored(int events, AuditStore.Stored rows, long nanos);
    }

    private final Spool spool;
    private final DataSource dataSource;
    private final Runnable schema;
    private final Listener listener;
    private volatile int batchSize;
    private volatile long flushIntervalMs;

    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile boolean schemaReady;
    private volatile State state = State.STARTING;
    private volatile String lastError;
    private volatile Instant lastErrorTime;
    private volatile Instant lastStored;
    private volatile Instant oldestPending;
    private final AtomicLong storedEvents = new AtomicLong();

    public Drainer(Spool spool, DataSource dataSource, Runnable schema, int batchSize, long flushIntervalMs,
            Listener listener) {
        this.spool = spool;
        this.dataSource = dataSource;
        this.schema = schema;
        this.batchSize = batchSize;
        this.flushIntervalMs = flushIntervalMs;
        this.listener = listener;
    }

    public Thread start() {
        Thread t = new Thread(this, "gatehouse-audit-drainer");
        t.setDaemon(true);
        thread = t;
        t.start();
        return t;
    }

    /** Asks the drainer to look at the spool now instead of at the end of its pause. */
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public void stop(long timeoutMs) throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(timeoutMs);
        }
    }

    public void tune(int batchSize, long flushIntervalMs) {
        this.batchSize = batchSize;
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public void run() {
        long backoff = 100;
        while (running) {
            try {
                if (!schemaReady) {
                    schema.run();
                    schemaReady = true;
                }
                Spool.Batch batch = spool.read(batchSize);
                if (batch.events().isEmpty()) {
                    oldestPending = null;
                    state = State.IDLE;
                    pause(flushIntervalMs);
                    continue;
                }
                oldestPending = batch.events().get(0).time();
                long started = System.nanoTime();
                AuditStore.Stored rows;
                try (Connection c = dataSource.getConnection()) {
                    rows = AuditStore.store(c, batch.events());
                }
                spool.commit(batch);
                storedEvents.addAndGet(batch.events().size());
                lastStored = Instant.now();
                listener.stored(batch.events().size(), rows, System.nanoTime() - started);
                if (state == State.WAITING_FOR_DATABASE) {
                    LOG.info("Audit: the database is back; draining the spool ({} events left)", spool.events());
                }
                state = State.DRAINING;
                backoff = 100;
                if (batch.events().size() < batchSize) {
                    pause(flushIntervalMs);
                }
            } catch (SQLException | RuntimeException e) {
                failed(e);
                pause(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            } catch (IOException e) {
                failed(e);
                LOG.error("Audit: cannot read the spool in {}: {}", spool.directory(), e.toString());
                pause(MAX_BACKOFF_MS);
            }
        }
        state = State.STOPPED;
    }

    private void failed(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (state != State.WAITING_FOR_DATABASE) {
            LOG.warn("Audit: cannot store events in the database ({}); they stay in the spool {} ({} events, {} bytes "
                    + "of at most {}) and are stored when it is back", message, spool.directory(), spool.events(),
                    spool.bytes(), spool.maxBytes());
        }
        state = State.WAITING_FOR_DATABASE;
        lastError = message;
        lastErrorTime = Instant.now();
    }

    private void pause(long ms) {
        if (running) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
        }
    }

    public State state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorTime() {
        return lastErrorTime;
    }

    public Instant lastStored() {
        return lastStored;
    }

    /** Time of the oldest event not yet stored, or null when the spool is drained. */
    public Instant oldestPending() {
        return spool.events() == 0 ? null : oldestPending;
    }

    public long storedEvents() {
        return storedEvents.get();
    }
}
