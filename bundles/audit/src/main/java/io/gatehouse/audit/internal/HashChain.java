package io.gatehouse.audit.internal;

import io.gatehouse.api.audit.AuditEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The tamper-evident chain of audit rows: {@code hash(n) = SHA-256(hash(n-1) || canonical(row n))}, the first row
 * chained to 64 zeros. The canonical form is every field, length-prefixed, so no two different rows share one.
 */
public final class HashChain {

    public static final String GENESIS = "0".repeat(64);
    private static final HexFormat HEX = HexFormat.of();

    private HashChain() {
    }

    public static String hash(String previous, long seq, AuditEvent e) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", impossible);
        }
        sha.update(HEX.parseHex(previous));
        field(sha, Long.toString(seq));
        field(sha, e.id().toString());
        field(sha, Long.toString(SpooledEvent.micros(e.time())));
        field(sha, e.actor());
        field(sha, e.action());
        field(sha, e.target());
        field(sha, e.outcome());
        field(sha, e.clientAddress());
        field(sha, e.requestId());
        return HEX.formatHex(sha.digest());
    }

    private static void field(MessageDigest sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
