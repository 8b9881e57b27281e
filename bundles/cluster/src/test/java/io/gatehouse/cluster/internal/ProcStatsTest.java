package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void cpuTicksAreUtimePlusStimeEvenWithSpacesAndParenthesesInTheName() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 40 0 100 0 0";
        assertEquals(1234 + 567, ProcStats.parseCpuTicks(stat));
    }

    @Test
    void readsThisProcessFromProc() {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return; // not Linux: the gauges read 0
        }
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcStats.residentBytes(pid) > 1024 * 1024);
        assertTrue(ProcStats.cpuSeconds(pid) > 0);
        assertEquals(0, ProcStats.residentBytes(-1));
        assertEquals(0.0, ProcStats.cpuSeconds(Long.MAX_VALUE));
    }

    @Test
    void memoryLimitIsStrictlyAboveAndZeroTurnsItOff() {
        long gb = 1L << 30;
        assertFalse(MemoryLimit.exceeded(gb, gb));
        assertTrue(MemoryLimit.exceeded(gb + 1, gb));
        assertFalse(MemoryLimit.exceeded(Long.MAX_VALUE, 0));
    }
}
