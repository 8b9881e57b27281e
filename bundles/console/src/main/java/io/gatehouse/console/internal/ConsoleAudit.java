package io.gatehouse.console.internal;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.AuditLog;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records every console action, allowed or not, in the audit log when one is present, and in the log always. */
final class ConsoleAudit {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAudit.class);

    private final Supplier<AuditLog> auditLog;

    ConsoleAudit(Supplier<AuditLog> auditLog) {
        this.auditLog = auditLog;
    }

    void record(ConsoleUser user, String action, String target, ActionResult result, String clientAddress) {
        LOG.info("console action {} on '{}' by {} from {}: {} ({})", action, target, user.name(), clientAddress,
                result.outcome(), result.message());
        AuditLog log = auditLog.get();
        if (log == null) {
            return;
        }
        try {
            log.record(AuditEvent.of(user.name(), "console." + action, limit(target), result.outcome(),
                    clientAddress == null ? "" : clientAddress, ""));
        } catch (RuntimeException e) {
            // the action itself is done; a failing audit log must be visible, not hide the action's result
            LOG.error("could not audit console action {} on '{}' by {}", action, target, user.name(), e);
        }
    }

    private static String limit(String target) {
        String t = target == null ? "" : target;
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
