package io.gatehouse.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private static String messageOf(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        Instant now = Instant.now();
        UUID id = UUID.randomUUID();
        assertTrue(messageOf(() -> EventValidator.check(new AuditEvent(null, now, "a", "b", "", "success", "", "")))
                .contains("'id'"));
        assertTrue(messageOf(() -> EventValidator.check(new AuditEvent(id, null, "a", "b", "", "success", "", "")))
                .contains("'time'"));
        assertTrue(messageOf(() -> EventValidator.check(new AuditEvent(id, now, " ", "b", "", "success", "", "")))
                .contains("'actor'"));
        assertTrue(messageOf(() -> EventValidator.check(new AuditEvent(id, now, "a", null, "", "success", "", "")))
                .contains("'action'"));
        assertTrue(messageOf(() -> EventValidator.check(new AuditEvent(id, now, "a", "b", "", "", "", "")))
                .contains("'outcome'"));
        assertTrue(messageOf(() -> EventValidator.check(new SecurityEvent(id, now, null, "", "1.2.3.4", "", "")))
                .contains("'type'"));
    }

    @Test
    void oversizedValuesAreNamedWithTheLimit() {
        String message = messageOf(() -> EventValidator.check(AuditEvent.of("a", "b", "x".repeat(5000), "success", "", "")));
        assertTrue(message.contains("'target'") && message.contains("5000") && message.contains("1024"), message);
        String detail = messageOf(() -> EventValidator.check(SecurityEvent.of(SecurityEventType.CSRF_FAILURE, "u",
                "1.2.3.4", "r", "d".repeat(EventValidator.MAX_DETAIL + 1))));
        assertTrue(detail.contains("'detail'"), detail);
    }

    @Test
    void charactersPostgresCannotStoreAreRefused() {
        assertTrue(messageOf(() -> EventValidator.check(AuditEvent.of("a\u0000b", "x", "", "success", "", "")))
                .contains("NUL"));
        assertTrue(messageOf(() -> EventValidator.check(AuditEvent.of("a\ud800", "x", "", "success", "", "")))
                .contains("surrogate"));
        assertEquals("\ud83d\ude00", EventValidator.check(AuditEvent.of("\ud83d\ude00", "x", "", "success", "", "")).actor());
    }

    @Test
    void optionalNullsBecomeEmptyAndTimeIsCutToMicroseconds() {
        AuditEvent e = EventValidator.check(new AuditEvent(UUID.randomUUID(), Instant.ofEpochSecond(10, 123_456_789),
                "a", "b", null, "success", null, null));
        assertEquals("", e.target());
        assertEquals("", e.clientAddress());
        assertEquals(123_456_000, e.time().getNano());
    }
}
