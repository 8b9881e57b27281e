package io.gatehouse.audit.internal;

import java.nio.file.Path;

/** The checked form of {@link AuditConfig}: a bad value is refused with its key and the accepted range. */
public record AuditSettings(Path spoolDirectory, long maxSpoolBytes, long segmentBytes, int batchSize,
        long flushIntervalMs) {

    public static AuditSettings of(AuditConfig c, Path defaultSpool) {
        Path dir;
        try {
            dir = c.spoolDirectory() == null || c.spoolDirectory().isBlank() ? defaultSpool : Path.of(c.spoolDirectory().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spoolDirectory '" + c.spoolDirectory() + "' is not a usable path", e);
        }
        range("maxSpoolBytes", c.maxSpoolBytes(), 1L << 16, Long.MAX_VALUE);
        range("segmentBytes", c.segmentBytes(), 1L << 16, 1L << 31);
        range("batchSize", c.batchSize(), 1, 50_000);
        range("flushIntervalMs", c.flushIntervalMs(), 1, 60_000);
        return new AuditSettings(dir, c.maxSpoolBytes(), c.segmentBytes(), c.batchSize(), c.flushIntervalMs());
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("io.gatehouse.audit " + key + " must be " + min + "-" + max + ", was " + value);
        }
    }
}
