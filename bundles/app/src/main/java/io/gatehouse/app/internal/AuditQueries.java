package io.gatehouse.app.internal;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.persistence.SchemaMigrations;
import io.gatehouse.app.internal.store.DataAccessException;
import io.gatehouse.app.internal.store.Db;
import io.gatehouse.app.internal.web.ApiException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Reads the audit bundle's tables ({@code audit_log}, {@code security_events}, created by its migrations, owner
 * {@code audit}) for the admin API, newest first. While the audit bundle has not created them, the admin
 * endpoints answer 503 saying so.
 */
@Component(service = AuditQueries.class)
public class AuditQueries {

    private final Db db;

    @Activate
    public AuditQueries(@Reference(target = SchemaMigrations.DATASOURCE_FILTER) DataSource dataSource,
            @Reference MetricRegistry registry) {
        this.db = new Db(dataSource, registry);
    }

    public List<Map<String, Object>> auditTrail(int limit) {
        return read("audit.trail", "audit_log", "SELECT event_id, time, actor, action, target, outcome,"
                + " client_address, request_id FROM audit_log ORDER BY seq DESC LIMIT ?", limit,
                columnsAs("id", "time", "actor", "action", "target", "outcome", "clientAddress", "requestId"));
    }

    public List<Map<String, Object>> securityEvents(int limit) {
        return read("audit.securityEvents", "security_events", "SELECT event_id, time, type, subject, client_address,"
                + " request_id, detail FROM security_events ORDER BY time DESC LIMIT ?", limit,
                columnsAs("id", "time", "type", "subject", "clientAddress", "requestId", "detail"));
    }

    /** Maps the selected columns, in order, to JSON keys: timestamps as instants, everything else as text. */
    private static RowMapper columnsAs(String... keys) {
        return rs -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < keys.length; i++) {
                Object value = rs.getObject(i + 1);
                row.put(keys[i], value instanceof java.sql.Timestamp t ? t.toInstant() : rs.getString(i + 1));
            }
            return row;
        };
    }

    @FunctionalInterface
    private interface RowMapper {
        Map<String, Object> map(ResultSet rs) throws SQLException;
    }

    private List<Map<String, Object>> read(String name, String table, String sql, int limit, RowMapper mapper) {
        try {
            return db.call(name, c -> {
                try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                    exists.setString(1, table);
                    try (ResultSet rs = exists.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            throw new ApiException(503, table + " does not exist: install the audit feature "
                                    + "(gatehouse-audit), which creates it");
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setInt(1, limit);
                    List<Map<String, Object>> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(mapper.map(rs));
                        }
                    }
                    return rows;
                }
            });
        } catch (DataAccessException e) {
            if (e.unavailable()) {
                throw ApiException.unavailable();
            }
            throw new ApiException(503, table + " cannot be read (" + e.sqlState() + "): its layout is not the one "
                    + "this version of the app expects");
        }
    }
}
