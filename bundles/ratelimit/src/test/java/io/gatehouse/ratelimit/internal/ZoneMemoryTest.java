package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.http.Verdict;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Bounded memory under many distinct keys, lossless expiry of idle buckets, and atomicity under contention. */
class ZoneMemoryTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ZoneRegistry registry = new ZoneRegistry(clock::get, false);
    private final LimitReqFilter filter = new LimitReqFilter(registry);

    private Zone zone(Map<String, ?> config) {
        Zone z = new Zone(Configs.zone("z", config));
        registry.add(z);
        return z;
    }

    @Test
    void aMillionDistinctKeysStayWithinMaxKeys() {
        Zone z = zone(Map.of("paths", "/**", "rate", "10r/s", "burst", 5, "max.keys", 10_000));
        for (int i = 0; i < 1_000_000; i++) {
            if (i % 1000 == 0) {
                clock.incrementAndGet();
            }
            filter.filter(new TestExchange("GET", "/", "k" + i));
            assertTrue(z.keys() <= 10_000, () -> "keys " + z.keys());
        }
        assertEquals(1_000_000, z.passed.getCount(), "eviction never rejects a request");
    }

    @Test
    void idleBucketsAreSweptAndComeBackIdentical() {
        Zone z = zone(Map.of("paths", "/**", "rate", "1r/s", "burst", 2, "nodelay", true));
        for (int i = 0; i < 3; i++) {
            filter.filter(new TestExchange("GET", "/", "10.0.0.1"));
        }
        filter.filter(new TestExchange("GET", "/", "10.0.0.2"));
        clock.addAndGet(999);
        registry.sweep();
        assertEquals(2, z.keys(), "a bucket is kept until a new request would start from excess 0");
        clock.addAndGet(1);
        registry.sweep();
        assertEquals(1, z.keys(), "10.0.0.2 (excess 0) is forgettable after 1/R");
        clock.addAndGet(1999);
        registry.sweep();
        assertEquals(1, z.keys(), "10.0.0.1 (excess 2) after 3/R");
        clock.addAndGet(1);
        registry.sweep();
        assertEquals(0, z.keys());
        for (int i = 0; i < 3; i++) {
            assertFalse(filter.filter(new TestExchange("GET", "/", "10.0.0.1")).isRejection());
        }
        assertTrue(filter.filter(new TestExchange("GET", "/", "10.0.0.1")).isRejection());
    }

    @Test
    void concurrentRequestsOfOneKeyAdmitExactlyOnePlusBurst() throws Exception {
        zone(Map.of("paths", "/**", "rate", "1r/m", "burst", 99, "nodelay", true));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger admitted = new AtomicInteger();
        try {
            Future<?>[] futures = new Future<?>[8];
            for (int t = 0; t < 8; t++) {
                futures[t] = pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        Verdict v = filter.filter(new TestExchange("GET", "/", "10.0.0.1"));
                        if (!v.isRejection()) {
                            admitted.incrementAndGet();
                        }
                    }
                });
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(100, admitted.get());
    }
}
