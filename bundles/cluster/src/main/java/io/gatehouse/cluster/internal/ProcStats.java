package io.gatehouse.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resident memory and CPU time of a container from {@code /proc} (Linux), summed over the recorded process and its
 * descendants: the launch chain may leave the JVM as a child of the recorded pid. 0 when unknown.
 */
final class ProcStats {

    /** USER_HZ: the unit of utime/stime in /proc/pid/stat; 100 on every Linux ABI Gatehouse runs on. */
    static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    static long residentBytes(long pid) {
        long total = 0;
        for (long p : tree(pid)) {
            total += vmRssBytes(p);
        }
        return total;
    }

    static double cpuSeconds(long pid) {
        long ticks = 0;
        for (long p : tree(pid)) {
            ticks += cpuTicks(p);
        }
        return ticks / CLOCK_TICKS_PER_SECOND;
    }

    private static List<Long> tree(long pid) {
        List<Long> pids = new ArrayList<>();
        if (pid <= 0) {
            return pids;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return pids;
        }
        pids.add(pid);
        handle.get().descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    private static long vmRssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static long cpuTicks(long pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc/pid/stat line; the command name may contain spaces and ')'. */
    static long parseCpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
