package io.gatehouse.api.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One security-relevant occurrence.
 *
 * @param id unique event id
 * @param time when it happened
 * @param type what kind of event
 * @param subject the user or key involved; may be empty
 * @param clientAddress the client's address
 * @param requestId the request it belongs to; may be empty
 * @param detail a short human-readable explanation, for example the rate-limit zone
 */
public record SecurityEvent(UUID id, Instant time, SecurityEventType type, String subject, String clientAddress,
        String requestId, String detail) {

    /** A new event with a fresh id, happening now. */
    public static SecurityEvent of(SecurityEventType type, String subject, String clientAddress, String requestId,
            String detail) {
        return new SecurityEvent(UUID.randomUUID(), Instant.now(), type, subject, clientAddress, requestId, detail);
    }
}
