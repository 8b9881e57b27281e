package io.gatehouse.audit.internal;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Checks an event before it is spooled, so a bad event is refused at the caller and never reaches (or poisons) a
 * database batch. Optional fields given as {@code null} become empty; times are cut to microseconds, the
 * precision PostgreSQL stores, so the hash of a row is the same before and after a round trip.
 */
public final class EventValidator {

    public static final int MAX_ACTOR = 256;
    public static final int MAX_ACTION = 128;
    public static final int MAX_TARGET = 1024;
    public static final int MAX_OUTCOME = 32;
    public static final int MAX_CLIENT_ADDRESS = 64;
    public static final int MAX_REQUEST_ID = 128;
    public static final int MAX_SUBJECT = 256;
    public static final int MAX_DETAIL = 2048;

    private EventValidator() {
    }

    /** The event as it will be stored. @throws IllegalArgumentException naming the first bad field */
    public static AuditEvent check(AuditEvent e) {
        if (e == null) {
            throw new IllegalArgumentException("audit event is null");
        }
        require("id", e.id());
        return new AuditEvent(e.id(), time(e.time()), required("actor", e.actor(), MAX_ACTOR),
                required("action", e.action(), MAX_ACTION), optional("target", e.target(), MAX_TARGET),
                required("outcome", e.outcome(), MAX_OUTCOME),
                optional("clientAddress", e.clientAddress(), MAX_CLIENT_ADDRESS),
                optional("requestId", e.requestId(), MAX_REQUEST_ID));
    }

    /** The event as it will be stored. @throws IllegalArgumentException naming the first bad field */
    public static SecurityEvent check(SecurityEvent e) {
        if (e == null) {
            throw new IllegalArgumentException("security event is null");
        }
        require("id", e.id());
        require("type", e.type());
        return new SecurityEvent(e.id(), time(e.time()), e.type(), optional("subject", e.subject(), MAX_SUBJECT),
                optional("clientAddress", e.clientAddress(), MAX_CLIENT_ADDRESS),
                optional("requestId", e.requestId(), MAX_REQUEST_ID), optional("detail", e.detail(), MAX_DETAIL));
    }

    private static Instant time(Instant time) {
        require("time", time);
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    private static void require(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("event field '" + field + "' is missing");
        }
    }

    private static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("event field '" + field + "' is missing or blank");
        }
        return optional(field, value, max);
    }

    private static String optional(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        if (value.length() > max) {
            throw new IllegalArgumentException("event field '" + field + "' is " + value.length()
                    + " characters long, at most " + max + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || Character.isSurrogate(c) && !validSurrogate(value, i)) {
                throw new IllegalArgumentException("event field '" + field + "' contains a character PostgreSQL "
                        + "cannot store (" + (c == 0 ? "NUL" : "lone surrogate") + " at index " + i + ")");
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return value;
    }

    private static boolean validSurrogate(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
