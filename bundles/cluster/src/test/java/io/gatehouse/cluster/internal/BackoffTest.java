package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheMaximumWhileTheContainerKeepsCrashing() {
        Backoff b = new Backoff(500, 3000, 60_000);
        assertEquals(500, b.delayAfter(100));
        assertEquals(1000, b.delayAfter(100));
        assertEquals(2000, b.delayAfter(100));
        assertEquals(3000, b.delayAfter(100));
        assertEquals(3000, b.delayAfter(100));
    }

    @Test
    void startsOverAfterAStableRun() {
        Backoff b = new Backoff(500, 30_000, 60_000);
        b.delayAfter(0);
        b.delayAfter(0);
        assertEquals(500, b.delayAfter(60_000));
    }

    @Test
    void rejectsAMaximumBelowTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Backoff(5000, 100, 1));
        assertEquals("backoff must satisfy 0 <= initial <= max, was initial=5000 max=100", e.getMessage());
    }
}
