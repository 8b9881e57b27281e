package io.gatehouse.app.internal.store;

import io.gatehouse.app.internal.security.Role;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Users, their roles and their failed-login state. */
public final class UserStore {

    /** A user as the login needs it. */
    public record UserRow(long id, String username, String passwordHash, int failedLogins, Instant lockedUntil) {
    }

    /** A user as the admin API lists it. */
    public record UserSummary(long id, String username, Set<String> roles, Instant createdAt) {
    }

    private final Db db;

    public UserStore(Db db) {
        this.db = db;
    }

    public Optional<UserRow> findByUsername(String username) {
        return db.call("users.find", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, username, password_hash, failed_logins, locked_until FROM users WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new UserRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                    Db.instant(rs.getTimestamp(5))))
                            : Optional.<UserRow>empty();
                }
            }
        });
    }

    /** Counts one more failed login; returns the new count of consecutive failures. */
    public int recordFailure(long id) {
        return db.call("users.failure", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    public void lock(long id, Instant until) {
        db.call("users.lock", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET locked_until = ? WHERE id = ?")) {
                ps.setObject(1, Db.utc(until));
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Clears the failure count; stores {@code newHash} when the password was rehashed with more iterations. */
    public void loginSucceeded(long id, String newHash) {
        db.call("users.success", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET failed_logins = 0, locked_until = NULL,"
                    + " password_hash = COALESCE(?, password_hash) WHERE id = ?")) {
                ps.setString(1, newHash);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Creates a user with roles; empty when the user name is taken. */
    public Optional<Long> create(String username, String passwordHash, Set<Role> roles) {
        return db.transaction("users.create", c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, password_hash) VALUES (?, ?)"
                    + " ON CONFLICT (username) DO NOTHING RETURNING id")) {
                ps.setString(1, username);
                ps.setString(2, passwordHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Long>empty();
                    }
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_roles (user_id, role) VALUES (?, ?)")) {
                for (Role role : roles) {
                    ps.setLong(1, id);
                    ps.setString(2, role.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return Optional.of(id);
        });
    }

    public boolean anyAdmin() {
        return db.call("users.anyAdmin", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM user_roles WHERE role = ?)")) {
                ps.setString(1, Role.ADMIN.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    public List<UserSummary> list(int limit) {
        return db.call("users.list", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT u.id, u.username, u.created_at,"
                    + " ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role)"
                    + " FROM users u ORDER BY u.id LIMIT ?")) {
                ps.setInt(1, limit);
                List<UserSummary> users = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(new UserSummary(rs.getLong(1), rs.getString(2), new TreeSet<>(strings(rs.getArray(4))),
                                Db.instant(rs.getTimestamp(3))));
                    }
                }
                return users;
            }
        });
    }

    static Set<Role> roles(Array array) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String id : strings(array)) {
            Role.parse(id).ifPresent(roles::add);
        }
        return roles;
    }

    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<String> out = new ArrayList<>(values.length);
        for (Object v : values) {
            out.add(String.valueOf(v));
        }
        return out;
    }
}
