package io.gatehouse.console.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The newest rows of the audit feature's {@code security_events} table, read-only. */
final class SecurityEventsTable {

    /** One security event as stored. */
    record Row(String time, String type, String subject, String client, String detail) {
    }

    static final String QUERY = "SELECT time, type, subject, client_address, detail FROM security_events "
            + "ORDER BY time DESC LIMIT ?";

    private final Supplier<DataSource> dataSource;

    SecurityEventsTable(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    boolean present() {
        return dataSource.get() != null;
    }

    /**
     * @throws SQLException when the database cannot be reached or has no such table (audit feature not installed)
     */
    List<Row> newest(int limit) throws SQLException {
        DataSource ds = dataSource.get();
        if (ds == null) {
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(QUERY)) {
            s.setQueryTimeout(5);
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(String.valueOf(r.getTimestamp(1).toInstant()), r.getString(2), r.getString(3),
                            r.getString(4), r.getString(5)));
                }
            }
        }
        return rows;
    }
}
