package io.gatehouse.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.audit.AuditEvent;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    static SpooledEvent audit(int i) {
        return SpooledEvent.of(EventValidator.check(AuditEvent.of("user" + i, "record.create", "record/" + i, "success",
                "127.0.0.1", "req-" + i)));
    }

    private static List<SpooledEvent> drainAll(Spool spool) throws Exception {
        List<SpooledEvent> all = new ArrayList<>();
        while (true) {
            Spool.Batch b = spool.read(1000);
            if (b.events().isEmpty()) {
                return all;
            }
            all.addAll(b.events());
            spool.commit(b);
        }
    }

    @Test
    void appendedEventsReadBackInOrderAndSurviveReopen() throws Exception {
        List<SpooledEvent> written = new ArrayList<>();
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 16)) {
            for (int i = 0; i < 50; i++) {
                written.add(audit(i));
                spool.append(written.get(i));
            }
            SpooledEvent security = SpooledEvent.of(EventValidator.check(SecurityEvent.of(SecurityEventType.RATE_LIMITED,
                    "", "10.0.0.1", "r", "zone api")));
            spool.append(security);
            written.add(security);
            assertEquals(51, spool.events());
        }
        try (Spool reopened = new Spool(dir, 1 << 20, 1 << 16)) {
            assertEquals(51, reopened.events());
            assertEquals(written, drainAll(reopened));
            assertEquals(0, reopened.events());
            assertEquals(0, reopened.bytes());
        }
    }

    @Test
    void checkpointIsDurableAndDrainedSegmentsAreDeleted() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 24, 1 << 16)) {
            for (int i = 0; i < 2000; i++) { // ~250 KB: several 64 KB segments
                spool.append(audit(i));
            }
            assertTrue(SpoolFiles.segments(dir).size() > 2, "segments: " + SpoolFiles.segments(dir));
            Spool.Batch first = spool.read(1500);
            assertEquals(1500, first.events().size());
            spool.commit(first);
            assertEquals(500, spool.events());
            assertEquals(first.end().segment(), SpoolFiles.segments(dir).get(0).longValue());
        }
        try (Spool reopened = new Spool(dir, 1 << 24, 1 << 16)) {
            assertEquals(500, reopened.events());
            List<SpooledEvent> rest = drainAll(reopened);
            assertEquals(500, rest.size());
            assertEquals("user1500", rest.get(0).audit().actor());
            assertEquals("user1999", rest.get(499).audit().actor());
        }
    }

    @Test
    void aTornLastRecordIsCutOffOnReopenAndKeptAside() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 20)) {
            for (int i = 0; i < 10; i++) {
                spool.append(audit(i));
            }
        }
        Path segment = Spool.segmentFile(dir, 1);
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7); // a crash in the middle of writing the last record
        }
        try (Spool reopened = new Spool(dir, 1 << 20, 1 << 20)) {
            assertEquals(9, reopened.events());
            reopened.append(audit(100)); // appends continue after the intact records
            List<SpooledEvent> all = drainAll(reopened);
            assertEquals(10, all.size());
            assertEquals("user8", all.get(8).audit().actor());
            assertEquals("user100", all.get(9).audit().actor());
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".torn")));
        }
    }

    @Test
    void aCorruptedRecordIsDetectedByItsChecksum() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                spool.append(audit(i));
            }
        }
        Path segment = Spool.segmentFile(dir, 1);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x55; // flip bits inside the last record's payload
        Files.write(segment, bytes);
        try (Spool reopened = new Spool(dir, 1 << 20, 1 << 20)) {
            assertEquals(4, reopened.events());
        }
    }

    @Test
    void concurrentAppendersShareFsyncsAndLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (Spool spool = new Spool(dir, 1 << 26, 1 << 20)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int base = t * 1000;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        spool.append(audit(base + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            Set<UUID> ids = new HashSet<>();
            drainAll(spool).forEach(e -> ids.add(e.id()));
            assertEquals(8000, ids.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullSpoolRefusesLoudlyAndAcceptsAgainOnceDrained() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 16, 1 << 16)) {
            int accepted = 0;
            Spool.FullException full = null;
            while (full == null) {
                try {
                    spool.append(audit(accepted));
                    accepted++;
                } catch (Spool.FullException e) {
                    full = e;
                }
            }
            assertTrue(full.getMessage().contains("full"), full.getMessage());
            assertTrue(full.getMessage().contains("NOT recorded"), full.getMessage());
            assertEquals(accepted, spool.events());
            assertEquals(accepted, drainAll(spool).size());
            spool.append(audit(0));
            assertEquals(1, spool.events());
        }
    }

    @Test
    void aDamagedCheckpointIsAClearError() throws Exception {
        Files.writeString(dir.resolve("checkpoint"), "garbage");
        Exception e = assertThrows(java.io.IOException.class, () -> new Spool(dir, 1 << 20, 1 << 20));
        assertTrue(e.getMessage().contains("garbage"), e.getMessage());
    }
}
