package io.gatehouse.audit.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Read-side queries of the audit trail (shell, console). */
public final class AuditQueries {

    /** One stored audit row. */
    public record Row(long seq, Instant time, String actor, String action, String target, String outcome,
            String clientAddress, String requestId, String eventId) {
    }

    private static final String TAIL = "SELECT seq, time, actor, action, target, outcome, client_address, request_id, "
            + "event_id::text FROM audit_log ORDER BY seq DESC LIMIT ?";

    private AuditQueries() {
    }

    /** The newest {@code n} rows, oldest first. */
    public static List<Row> tail(Connection c, int n) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TAIL)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(0, new Row(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                }
            }
        }
        return rows;
    }
}
