package io.gatehouse.audit.internal;

import io.gatehouse.api.audit.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Walks audit_log in seq order and recomputes the chain. The first row whose hash does not match (altered), the
 * first gap in seq (removed), or a chain shorter than its recorded head (last rows removed) is named.
 */
public final class ChainVerifier {

    private static final String ROWS = "SELECT seq, event_id::text, (extract(epoch FROM time) * 1000000)::bigint, actor, "
            + "action, target, outcome, client_address, request_id, hash FROM audit_log ORDER BY seq";
    private static final String HEAD = "SELECT seq, hash FROM audit_chain_head WHERE id = 1";

    /** The outcome: {@code problem} is null when the chain is intact. */
    public record Result(long rowsChecked, long headSeq, String problem, Long badSeq, String badEventId) {
        public boolean intact() {
            return problem == null;
        }
    }

    private ChainVerifier() {
    }

    public static Result verify(Connection c) throws SQLException {
        long headSeq;
        String headHash;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false); // a cursor, not the whole table in memory
        try {
            try (PreparedStatement ps = c.prepareStatement(HEAD); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Result(0, 0, "the chain head row (audit_chain_head id 1) is missing", null, null);
                }
                headSeq = rs.getLong(1);
                headHash = rs.getString(2);
            }
            long expected = 1;
            String previous = HashChain.GENESIS;
            long checked = 0;
            try (PreparedStatement ps = c.prepareStatement(ROWS)) {
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        String id = rs.getString(2);
                        if (seq != expected) {
                            return new Result(checked, headSeq, seq > expected
                                    ? "row seq " + expected + (seq - expected > 1 ? " to " + (seq - 1) : "")
                                            + " removed (next row present is seq " + seq + ", event " + id + ")"
                                    : "row seq " + seq + " is out of order", expected, null);
                        }
                        long micros = rs.getLong(3);
                        AuditEvent row = new AuditEvent(UUID.fromString(id),
                                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9));
                        String hash = HashChain.hash(previous, seq, row);
                        if (!hash.equals(rs.getString(10))) {
                            return new Result(checked, headSeq, "row seq " + seq + " (event " + id
                                    + ") was altered: its hash does not match its content and the chain", seq, id);
                        }
                        previous = hash;
                        expected++;
                        checked++;
                    }
                }
            }
            if (expected - 1 != headSeq) {
                return new Result(checked, headSeq, expected - 1 < headSeq
                        ? "row seq " + expected + (headSeq > expected ? " to " + headSeq : "")
                                + " removed from the end (chain head is seq " + headSeq + ")"
                        : "rows after the chain head seq " + headSeq + " were added outside the audit writer",
                        expected, null);
            }
            if (!previous.equals(headHash)) {
                return new Result(checked, headSeq, "the last row's hash does not match the chain head", headSeq, null);
            }
            return new Result(checked, headSeq, null, null, null);
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }
}
