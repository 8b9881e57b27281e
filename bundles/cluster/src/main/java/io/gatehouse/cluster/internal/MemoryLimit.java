package io.gatehouse.cluster.internal;

/** The memory-limit rule, PM2's max_memory_restart: resident memory strictly above the limit; 0 turns it off. */
final class MemoryLimit {

    private MemoryLimit() {
    }

    static boolean exceeded(long residentBytes, long limitBytes) {
        return limitBytes > 0 && residentBytes > limitBytes;
    }
}
