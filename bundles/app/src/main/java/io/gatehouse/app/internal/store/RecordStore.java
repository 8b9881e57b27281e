package io.gatehouse.app.internal.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The application's records. */
public final class RecordStore {

    /** One record with its owner's name. */
    public record RecordRow(long id, String title, String body, long ownerId, String owner,
            java.time.Instant createdAt, java.time.Instant updatedAt) {
    }

    /** One page of records. */
    public record Page(List<RecordRow> items, int page, int size, long total) {
    }

    private static final String SELECT = "SELECT r.id, r.title, r.body, r.owner_id, u.username, r.created_at,"
            + " r.updated_at FROM records r JOIN users u ON u.id = r.owner_id";

    private final Db db;

    public RecordStore(Db db) {
        this.db = db;
    }

    public Page list(int page, int size) {
        return db.call("records.list", c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM records");
                 ResultSet rs = ps.executeQuery()) {
                total = rs.next() ? rs.getLong(1) : 0;
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY r.id DESC LIMIT ? OFFSET ?")) {
                ps.setInt(1, size);
                ps.setLong(2, (long) page * size);
                List<RecordRow> items = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(row(rs));
                    }
                }
                return new Page(items, page, size, total);
            }
        });
    }

    public Optional<RecordRow> find(long id) {
        return db.call("records.find", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE r.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<RecordRow>empty();
                }
            }
        });
    }

    public RecordRow create(String title, String body, long ownerId) {
        long id = db.call("records.create", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO records (title, body, owner_id) VALUES (?, ?, ?) RETURNING id")) {
                ps.setString(1, title);
                ps.setString(2, body);
                ps.setLong(3, ownerId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return find(id).orElseThrow(() -> new IllegalStateException("record " + id + " vanished after insert"));
    }

    /** Updates title and body; false when the record does not exist. */
    public boolean update(long id, String title, String body) {
        return db.call("records.update", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE records SET title = ?, body = ?, updated_at = now() WHERE id = ?")) {
                ps.setString(1, title);
                ps.setString(2, body);
                ps.setLong(3, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public boolean delete(long id) {
        return db.call("records.delete", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM records WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static RecordRow row(ResultSet rs) throws SQLException {
        return new RecordRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                Db.instant(rs.getTimestamp(6)), Db.instant(rs.getTimestamp(7)));
    }
}
