package io.gatehouse.app.internal.store;

import io.gatehouse.app.internal.security.Role;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Login sessions (table user_sessions): what every token is bound to. */
public final class SessionStore {

    /** A live session with its user, read on every authenticated request. */
    public record LiveSession(UUID id, long userId, String username, String csrfHash, Set<Role> roles) {
    }

    /** A live session as the admin API lists it. */
    public record SessionSummary(UUID id, String username, Instant createdAt, Instant expiresAt, String clientAddress) {
    }

    private final Db db;

    public SessionStore(Db db) {
        this.db = db;
    }

    public void create(UUID id, long userId, String csrfHash, Instant expiresAt, String clientAddress) {
        db.call("sessions.create", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_sessions"
                    + " (id, user_id, csrf_hash, expires_at, client_address) VALUES (?, ?, ?, ?, ?)")) {
                ps.setObject(1, id);
                ps.setLong(2, userId);
                ps.setString(3, csrfHash);
                ps.setObject(4, Db.utc(expiresAt));
                ps.setString(5, clientAddress);
                return ps.executeUpdate();
            }
        });
    }

    public Optional<LiveSession> findLive(UUID id) {
        return db.call("sessions.findLive", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.user_id, u.username, s.csrf_hash,"
                    + " ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id)"
                    + " FROM user_sessions s JOIN users u ON u.id = s.user_id"
                    + " WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > now()")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new LiveSession(id, rs.getLong(1), rs.getString(2), rs.getString(3),
                                    UserStore.roles(rs.getArray(4))))
                            : Optional.<LiveSession>empty();
                }
            }
        });
    }

    /** Revokes a live session; false when there is no such live session. */
    public boolean revoke(UUID id) {
        return db.call("sessions.revoke", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE user_sessions SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
                ps.setObject(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public long countLive() {
        return db.call("sessions.count", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM user_sessions WHERE revoked_at IS NULL AND expires_at > now()");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    public List<SessionSummary> listLive(int limit) {
        return db.call("sessions.list", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.id, u.username, s.created_at, s.expires_at,"
                    + " s.client_address FROM user_sessions s JOIN users u ON u.id = s.user_id"
                    + " WHERE s.revoked_at IS NULL AND s.expires_at > now() ORDER BY s.created_at DESC LIMIT ?")) {
                ps.setInt(1, limit);
                List<SessionSummary> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SessionSummary(rs.getObject(1, UUID.class), rs.getString(2),
                                Db.instant(rs.getTimestamp(3)), Db.instant(rs.getTimestamp(4)), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }
}
