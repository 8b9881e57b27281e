package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.http.Verdict;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimitConnFilterTest {

    private final ZoneRegistry registry = new ZoneRegistry(new AtomicLong()::get, false);
    private final LimitConnFilter filter = new LimitConnFilter(registry);

    @Test
    void aKeyMayHaveConnRequestsInFlightAndGetsItsSlotsBackOnCompletion() {
        Zone z = new Zone(Configs.zone("uploads", Map.of("paths", "/upload/**", "conn", 2)));
        registry.add(z);
        TestExchange a = new TestExchange("POST", "/upload/1", "10.0.0.1");
        TestExchange b = new TestExchange("POST", "/upload/2", "10.0.0.1");
        assertFalse(filter.filter(a).isRejection());
        assertFalse(filter.filter(b).isRejection());
        Verdict third = filter.filter(new TestExchange("POST", "/upload/3", "10.0.0.1"));
        assertEquals(429, third.status());
        assertEquals("1", third.headers().get("Retry-After"));
        assertFalse(filter.filter(new TestExchange("POST", "/upload/x", "10.0.0.2")).isRejection(), "other client");
        assertFalse(filter.filter(new TestExchange("POST", "/other", "10.0.0.1")).isRejection(), "other path");
        a.complete();
        assertEquals(1, z.inFlight("10.0.0.1"));
        assertFalse(filter.filter(new TestExchange("POST", "/upload/4", "10.0.0.1")).isRejection());
        assertEquals(1, z.connHits.getCount());
    }

    @Test
    void aRejectionByOneZoneReleasesTheSlotsTakenInEarlierZones() {
        Zone all = new Zone(Configs.zone("a-all", Map.of("paths", "/**", "conn", 10)));
        Zone upload = new Zone(Configs.zone("b-upload", Map.of("paths", "/upload/**", "conn", 1)));
        registry.add(all);
        registry.add(upload);
        TestExchange first = new TestExchange("POST", "/upload/1", "10.0.0.1");
        assertFalse(filter.filter(first).isRejection());
        assertTrue(filter.filter(new TestExchange("POST", "/upload/2", "10.0.0.1")).isRejection());
        assertEquals(1, all.inFlight("10.0.0.1"), "the rejected request gave its 'a-all' slot back");
        first.complete();
        assertEquals(0, all.inFlight("10.0.0.1"));
        assertEquals(0, all.connKeys(), "no entry is kept for a key with nothing in flight");
    }
}
