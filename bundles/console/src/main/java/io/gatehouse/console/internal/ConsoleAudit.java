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

    /** The target of an action's row, as the user gave it. */
    static final int MAX_TARGET = 200;
    /** The target of an outcome's row, with its duration and the command's output or reason (the store takes 1024). */
    static final int MAX_OUTCOME_TARGET = 1000;

    void record(ConsoleUser user, String action, String target, ActionResult result, String clientAddress) {
        LOG.info("console action {} on '{}' by {} from {}: {} ({})", action, target, user.name(), clientAddress,
                result.outcome(), result.message());
        audit(user, "console." + action, limit(target, MAX_TARGET), result.outcome(), clientAddress,
                result.operationId());
    }

    /**
     * Records how an operation the console started in the background ended, under the action
     * {@code console.<action>.result} and the operation's id, so its row pairs with the acceptance's.
     *
     * @param target what it acted on, as in the acceptance's row ({@code instance=app-1})
     * @param detail its duration and what the command printed, or why it failed
     */
    void recordOutcome(ConsoleUser user, String action, String target, boolean succeeded, String detail,
            String clientAddress, String operationId) {
        String outcome = succeeded ? "success" : "failure";
        LOG.info("console operation {} on '{}' started by {} from {} (operation {}): {}: {}", action, target,
                user.name(), clientAddress, operationId, outcome, detail);
        audit(user, "console." + action + ".result", limit(limit(target, MAX_TARGET) + ": " + detail,
                MAX_OUTCOME_TARGET), outcome, clientAddress, operationId);
    }

    private void audit(ConsoleUser user, String action, String target, String outcome, String clientAddress,
            String operationId) {
        AuditLog log = auditLog.get();
        if (log == null) {
            return;
        }
        try {
            log.record(AuditEvent.of(user.name(), action, target, outcome, clientAddress == null ? "" : clientAddress,
                    operationId == null ? "" : operationId));
        } catch (RuntimeException e) {
            // the action itself is done; a failing audit log must be visible, not hide the action's result
            LOG.error("could not audit {} on '{}' by {}", action, target, user.name(), e);
        }
    }

    /** At most {@code max} characters: the start and the end (where a command says how it ended) of a longer text. */
    static String limit(String text, int max) {
        String t = text == null ? "" : text;
        if (t.length() <= max) {
            return t;
        }
        String gap = " ... ";
        int head = (max - gap.length()) / 2;
        int tail = t.length() - (max - gap.length() - head);
        // never split a surrogate pair: the audit log refuses half a character
        if (Character.isHighSurrogate(t.charAt(head - 1))) {
            head--;
        }
        if (Character.isLowSurrogate(t.charAt(tail))) {
            tail++;
        }
        return t.substring(0, head) + gap + t.substring(tail);
    }
}
