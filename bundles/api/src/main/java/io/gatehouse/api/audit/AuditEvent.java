package io.gatehouse.api.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One audited action. The id makes a replay harmless: the same event stored twice is stored once.
 *
 * @param id unique event id
 * @param time when the action happened
 * @param actor who acted (a user name, {@code system}, or {@code anonymous})
 * @param action what was done, for example {@code record.create} or {@code auth.login}
 * @param target what it was done to, for example {@code record/42}; may be empty
 * @param outcome {@code success}, {@code failure} or {@code denied}
 * @param clientAddress the client's address; may be empty for system actions
 * @param requestId the request id the action belongs to; may be empty
 */
public record AuditEvent(UUID id, Instant time, String actor, String action, String target, String outcome,
        String clientAddress, String requestId) {

    /** A new event with a fresh id, happening now. */
    public static AuditEvent of(String actor, String action, String target, String outcome, String clientAddress,
            String requestId) {
        return new AuditEvent(UUID.randomUUID(), Instant.now(), actor, action, target, outcome, clientAddress, requestId);
    }
}
