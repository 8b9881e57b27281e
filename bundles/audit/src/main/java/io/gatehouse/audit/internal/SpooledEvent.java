package io.gatehouse.audit.internal;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** One spooled event, audit or security, and its binary form in the spool. */
public record SpooledEvent(AuditEvent audit, SecurityEvent security) {

    private static final byte AUDIT = 'A';
    private static final byte SECURITY = 'S';

    public static SpooledEvent of(AuditEvent e) {
        return new SpooledEvent(e, null);
    }

    public static SpooledEvent of(SecurityEvent e) {
        return new SpooledEvent(null, e);
    }

    public Instant time() {
        return audit != null ? audit.time() : security.time();
    }

    public UUID id() {
        return audit != null ? audit.id() : security.id();
    }

    byte[] encode() {
        Out out = new Out();
        if (audit != null) {
            out.head(AUDIT, audit.id(), audit.time());
            out.text(audit.actor()).text(audit.action()).text(audit.target()).text(audit.outcome())
                    .text(audit.clientAddress()).text(audit.requestId());
        } else {
            out.head(SECURITY, security.id(), security.time());
            out.text(security.type().name()).text(security.subject()).text(security.clientAddress())
                    .text(security.requestId()).text(security.detail());
        }
        return out.toByteArray();
    }

    static SpooledEvent decode(ByteBuffer in) {
        byte kind = in.get();
        UUID id = new UUID(in.getLong(), in.getLong());
        long micros = in.getLong();
        Instant time = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        if (kind == AUDIT) {
            return of(new AuditEvent(id, time, text(in), text(in), text(in), text(in), text(in), text(in)));
        }
        if (kind == SECURITY) {
            return of(new SecurityEvent(id, time, SecurityEventType.valueOf(text(in)), text(in), text(in), text(in), text(in)));
        }
        throw new IllegalArgumentException("unknown spool record kind " + kind);
    }

    private static String text(ByteBuffer in) {
        int length = in.getInt();
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static long micros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000);
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(160);
        }

        void head(byte kind, UUID id, Instant time) {
            write(kind);
            number(id.getMostSignificantBits());
            number(id.getLeastSignificantBits());
            number(micros(time));
        }

        void number(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                write((int) (v >>> shift));
            }
        }

        Out text(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = bytes.length;
            write(n >>> 24);
            write(n >>> 16);
            write(n >>> 8);
            write(n);
            write(bytes, 0, n);
            return this;
        }
    }
}
