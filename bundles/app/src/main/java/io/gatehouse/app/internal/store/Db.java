package io.gatehouse.app.internal.store;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.gatehouse.api.metrics.MetricNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Runs named units of database work on a pooled connection and times each one as
 * {@code gatehouse.app.db.query{query="..."}}. Only parameterised statements are used by the stores.
 */
public final class Db {

    /** One unit of work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final MetricRegistry registry;

    public Db(DataSource dataSource, MetricRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    public <T> T call(String query, Work<T> work) {
        Timer timer = registry.timer(MetricNames.name("gatehouse.app.db.query", "query", query));
        try (Timer.Context ignored = timer.time(); Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException(query, e);
        }
    }

    /** Like {@link #call} but in one transaction. */
    public <T> T transaction(String query, Work<T> work) {
        return call(query, c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        });
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
