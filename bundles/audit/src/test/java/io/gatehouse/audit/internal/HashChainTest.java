package io.gatehouse.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.gatehouse.api.audit.AuditEvent;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HashChainTest {

    private final AuditEvent event = new AuditEvent(UUID.fromString("00000000-0000-0000-0000-000000000001"),
            Instant.ofEpochSecond(1_700_000_000L, 5_000), "alice", "record.update", "record/7", "success", "10.0.0.1", "r1");

    @Test
    void sameRowSameChainSameHash() {
        assertEquals(HashChain.hash(HashChain.GENESIS, 1, event), HashChain.hash(HashChain.GENESIS, 1, event));
        assertEquals(64, HashChain.hash(HashChain.GENESIS, 1, event).length());
    }

    @Test
    void anyChangeOfFieldSeqOrPredecessorChangesTheHash() {
        String base = HashChain.hash(HashChain.GENESIS, 1, event);
        assertNotEquals(base, HashChain.hash(HashChain.GENESIS, 2, event));
        assertNotEquals(base, HashChain.hash("1".repeat(64), 1, event));
        assertNotEquals(base, HashChain.hash(HashChain.GENESIS, 1, new AuditEvent(event.id(), event.time(), "mallory",
                event.action(), event.target(), event.outcome(), event.clientAddress(), event.requestId())));
        // field boundaries are part of the hash: moving a character between fields is a change
        assertNotEquals(HashChain.hash(HashChain.GENESIS, 1, new AuditEvent(event.id(), event.time(), "ab", "c", "",
                        "success", "", "")),
                HashChain.hash(HashChain.GENESIS, 1, new AuditEvent(event.id(), event.time(), "a", "bc", "", "success", "", "")));
    }
}
