package io.gatehouse.cluster.internal;

/**
 * Restart delays of a crashing container: doubling from {@code initialMillis} up to {@code maxMillis}, back to the
 * start once the container has stayed up for {@code stableMillis}, so a crash loop never hammers the machine and a
 * rare crash is repaired at once.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final long stableMillis;
    private long next;

    Backoff(long initialMillis, long maxMillis, long stableMillis) {
        if (initialMillis < 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max, was initial=" + initialMillis
                    + " max=" + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.stableMillis = stableMillis;
        this.next = initialMillis;
    }

    /** The delay before the next restart of a container that ran {@code uptimeMillis} before it died. */
    synchronized long delayAfter(long uptimeMillis) {
        if (uptimeMillis >= stableMillis) {
            next = initialMillis;
        }
        long delay = next;
        next = Math.min(maxMillis, Math.max(1, next * 2));
        return delay;
    }
}
