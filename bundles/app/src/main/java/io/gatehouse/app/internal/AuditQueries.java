package io.gatehouse.app.internal;

import io.gatehouse.app.internal.web.ApiException;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Reads the audit bundle's tables for the admin API. Until the audit bundle's schema is part of the platform the
 * endpoints answer 503 with a clear message rather than guess at table layouts.
 */
@Component(service = AuditQueries.class)
public class AuditQueries {

    public List<Map<String, Object>> auditTrail(int limit) {
        throw new ApiException(503, "the audit trail is not available: the audit tables (audit_log) are not "
                + "installed in this version of the platform");
    }

    public List<Map<String, Object>> securityEvents(int limit) {
        throw new ApiException(503, "security events are not available: the audit tables (security_events) are "
                + "not installed in this version of the platform");
    }
}
