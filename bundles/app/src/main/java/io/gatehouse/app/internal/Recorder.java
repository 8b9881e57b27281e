package io.gatehouse.app.internal;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.AuditLog;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.audit.SecurityEvents;
import io.gatehouse.app.internal.web.RequestInfo;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the application's audit events and security events to the audit bundle's services. Both are optional
 * dynamic references, so the application keeps serving while the audit feature is updated; whatever cannot be
 * handed over is written to the log instead, never dropped silently.
 */
@Component(service = Recorder.class)
public class Recorder {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final int MAX = 200;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog auditLog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecurityEvents securityEvents;

    /** Audits one action; {@code outcome} is success, failure or denied. */
    public void audit(String actor, String action, String target, String outcome, RequestInfo request) {
        AuditEvent event = AuditEvent.of(clip(actor), action, clip(target), outcome,
                request == null ? "" : request.clientAddress(), request == null ? "" : request.requestId());
        AuditLog log = auditLog;
        try {
            if (log != null) {
                log.record(event);
                return;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("Audit event refused ({}): {}", e.getMessage(), event);
            return;
        }
        LOG.warn("No AuditLog service; audit event only logged: {}", event);
    }

    public void security(SecurityEventType type, String subject, String detail, RequestInfo request) {
        SecurityEvent event = SecurityEvent.of(type, clip(subject), request.clientAddress(), request.requestId(),
                clip(detail));
        SecurityEvents events = securityEvents;
        try {
            if (events != null) {
                events.record(event);
                return;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("Security event refused ({}): {}", e.getMessage(), event);
            return;
        }
        LOG.warn("No SecurityEvents service; security event only logged: {}", event);
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > MAX ? s.substring(0, MAX) : s;
    }
}
