package io.gatehouse.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.Snapshot;
import org.junit.jupiter.api.Test;

class RecentSamplesReservoirTest {

    @Test
    void keepsTheMostRecentSamples() {
        RecentSamplesReservoir r = new RecentSamplesReservoir();
        assertEquals(0, r.size());
        for (int i = 1; i <= 10; i++) {
            r.update(i);
        }
        assertEquals(10, r.size());
        assertEquals(10, r.getSnapshot().getMax());
        for (int i = 0; i < 5_000; i++) {
            r.update(1_000_000 + i);
        }
        Snapshot s = r.getSnapshot();
        assertEquals(RecentSamplesReservoir.SIZE, s.size());
        assertEquals(1_000_000 + 5_000 - RecentSamplesReservoir.SIZE, s.getMin());
        assertEquals(1_000_000 + 4_999, s.getMax());
    }
}
