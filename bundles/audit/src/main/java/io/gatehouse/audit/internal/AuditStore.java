package io.gatehouse.audit.internal;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes batches of spooled events to PostgreSQL in one transaction: audit rows extend the hash chain under the
 * chain head's row lock; every event id is stored at most once, so replaying a batch after a crash is harmless.
 * Each statement is fixed SQL with the batch bound as arrays ({@code unnest}), one round trip per table.
 */
public final class AuditStore {

    private static final String LOCK_HEAD = "SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE";
    private static final String EXISTING = "SELECT a.event_id::text FROM unnest(?::uuid[]) AS x(id) "
            + "JOIN audit_log a ON a.event_id = x.id";
    private static final String INSERT_AUDIT = "INSERT INTO audit_log (seq, event_id, time, actor, action, target, "
            + "outcome, client_address, request_id, hash) "
            + "SELECT s, e::uuid, timestamptz 'epoch' + m * interval '1 microsecond', a, ac, t, o, c, r, h "
            + "FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
            + "?::text[], ?::text[]) AS x(s, e, m, a, ac, t, o, c, r, h) ON CONFLICT (event_id) DO NOTHING";
    private static final String UPDATE_HEAD = "UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1";
    private static final String INSERT_SECURITY = "INSERT INTO security_events (event_id, time, type, subject, "
            + "client_address, request_id, detail) "
            + "SELECT e::uuid, timestamptz 'epoch' + m * interval '1 microsecond', ty, su, c, r, d "
            + "FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
            + "AS x(e, m, ty, su, c, r, d) ON CONFLICT (event_id) DO NOTHING";

    /** Rows actually inserted (replayed events are not inserted again). */
    public record Stored(int audit, int security) {
    }

    private AuditStore() {
    }

    public static Stored store(Connection c, List<SpooledEvent> batch) throws SQLException {
        Map<UUID, AuditEvent> audit = new LinkedHashMap<>();
        Map<UUID, SecurityEvent> security = new LinkedHashMap<>();
        for (SpooledEvent e : batch) {
            if (e.audit() != null) {
                audit.putIfAbsent(e.audit().id(), e.audit());
            } else {
                security.putIfAbsent(e.security().id(), e.security());
            }
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            int a;
            try {
                // the usual case: none of these events is stored yet
                a = audit.isEmpty() ? 0 : storeAudit(c, audit, false);
            } catch (Replayed replayed) {
                // a replay after a crash between commit and checkpoint: skip what is stored, chain the rest
                c.rollback();
                a = storeAudit(c, audit, true);
            }
            int s = security.isEmpty() ? 0 : storeSecurity(c, new ArrayList<>(security.values()));
            c.commit();
            return new Stored(a, s);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // a broken connection is discarded by the pool's validation
            }
        }
    }

    /** Some events of the batch were stored before: the insert would leave a gap in the chain. */
    private static final class Replayed extends SQLException {
        Replayed(int inserted, int n) {
            super("audit batch inserted " + inserted + " of " + n + " rows", "23505");
        }
    }

    private static int storeAudit(Connection c, Map<UUID, AuditEvent> audit, boolean skipStored) throws SQLException {
        long seq;
        String hash;
        try (PreparedStatement ps = c.prepareStatement(LOCK_HEAD); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit_chain_head has no row: the audit schema is damaged");
            }
            seq = rs.getLong(1);
            hash = rs.getString(2);
        }
        Set<String> existing = new HashSet<>();
        if (skipStored) {
            try (PreparedStatement ps = c.prepareStatement(EXISTING)) {
                ps.setArray(1, c.createArrayOf("text", audit.keySet().stream().map(UUID::toString).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        existing.add(rs.getString(1));
                    }
                }
            }
        }
        List<AuditEvent> fresh = audit.values().stream().filter(e -> !existing.contains(e.id().toString())).toList();
        if (fresh.isEmpty()) {
            return 0;
        }
        int n = fresh.size();
        Long[] seqs = new Long[n];
        String[] ids = new String[n];
        Long[] micros = new Long[n];
        String[][] text = new String[7][n];
        for (int i = 0; i < n; i++) {
            AuditEvent e = fresh.get(i);
            seq++;
            hash = HashChain.hash(hash, seq, e);
            seqs[i] = seq;
            ids[i] = e.id().toString();
            micros[i] = SpooledEvent.micros(e.time());
            text[0][i] = e.actor();
            text[1][i] = e.action();
            text[2][i] = e.target();
            text[3][i] = e.outcome();
            text[4][i] = e.clientAddress();
            text[5][i] = e.requestId();
            text[6][i] = hash;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_AUDIT)) {
            ps.setArray(1, c.createArrayOf("bigint", seqs));
            ps.setArray(2, c.createArrayOf("text", ids));
            ps.setArray(3, c.createArrayOf("bigint", micros));
            for (int f = 0; f < 7; f++) {
                ps.setArray(4 + f, c.createArrayOf("text", text[f]));
            }
            int inserted = ps.executeUpdate();
            if (inserted != n) {
                // a gap in the chain would follow: never commit this
                throw new Replayed(inserted, n);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(UPDATE_HEAD)) {
            ps.setLong(1, seq);
            ps.setString(2, hash);
            ps.executeUpdate();
        }
        return n;
    }

    private static int storeSecurity(Connection c, List<SecurityEvent> events) throws SQLException {
        int n = events.size();
        String[][] text = new String[6][n];
        Long[] micros = new Long[n];
        for (int i = 0; i < n; i++) {
            SecurityEvent e = events.get(i);
            text[0][i] = e.id().toString();
            micros[i] = SpooledEvent.micros(e.time());
            text[1][i] = e.type().name();
            text[2][i] = e.subject();
            text[3][i] = e.clientAddress();
            text[4][i] = e.requestId();
            text[5][i] = e.detail();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_SECURITY)) {
            ps.setArray(1, c.createArrayOf("text", text[0]));
            ps.setArray(2, c.createArrayOf("bigint", micros));
            for (int f = 1; f < 6; f++) {
                ps.setArray(2 + f, c.createArrayOf("text", text[f]));
            }
            return ps.executeUpdate();
        }
    }
}
