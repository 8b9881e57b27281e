package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.http.Verdict;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * limit_req exactness against NGINX's algorithm (ngx_http_limit_req_module, 1.15.7+): excess in milli-requests,
 * drained by {@code rate * ms / 1000} with integer arithmetic, a request admitted while its excess is at most the
 * burst. The clock is injected: no sleeps.
 */
class LimitReqFilterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ZoneRegistry registry = new ZoneRegistry(clock::get, false);
    private final LimitReqFilter filter = new LimitReqFilter(registry);

    private Zone zone(String name, Map<String, ?> config) {
        Zone z = new Zone(Configs.zone(name, config));
        registry.add(z);
        return z;
    }

    private Verdict send(String method, String path, String ip) {
        return filter.filter(new TestExchange(method, path, ip));
    }

    private Verdict get(String ip) {
        return send("GET", "/api/items", ip);
    }

    /** Sends n requests at the same instant; returns the verdicts. */
    private List<Verdict> burst(int n, String ip) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(get(ip));
        }
        return out;
    }

    private static long admitted(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> !v.isRejection()).count();
    }

    @Test
    void nodelayBurstAdmitsOnePlusBurstAndRejectsTheRest() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5, "nodelay", true));
        List<Verdict> verdicts = burst(20, "10.0.0.1");
        assertEquals(6, admitted(verdicts));
        for (int i = 0; i < 6; i++) {
            assertEquals(0, verdicts.get(i).delayMillis(), "nodelay: request " + i + " is not delayed");
        }
        for (int i = 6; i < 20; i++) {
            assertEquals(429, verdicts.get(i).status());
        }
    }

    @Test
    void oneMoreIsAdmittedAfterOneOverTheRate() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5, "nodelay", true));
        burst(6, "10.0.0.1");
        assertTrue(get("10.0.0.1").isRejection());
        clock.addAndGet(99);
        assertTrue(get("10.0.0.1").isRejection(), "99 ms drain 990 milli-requests: not enough");
        clock.addAndGet(1);
        assertFalse(get("10.0.0.1").isRejection(), "100 ms = 1/R later one more is admitted");
        assertTrue(get("10.0.0.1").isRejection(), "and only one");
    }

    @Test
    void burstZeroAdmitsOneAtATime() {
        zone("api", Map.of("paths", "/api/**", "rate", "2r/s"));
        assertEquals(1, admitted(burst(10, "10.0.0.1")));
        clock.addAndGet(499);
        assertTrue(get("10.0.0.1").isRejection());
        clock.addAndGet(1);
        assertFalse(get("10.0.0.1").isRejection());
    }

    @Test
    void loginZoneAdmitsFiveThenAnswers429WithRetryAfterWhileAnotherClientPasses() {
        zone("login", Map.of("paths", "/api/auth/login", "methods", "POST", "rate", "5r/m", "burst", 4,
                "nodelay", true));
        for (int i = 0; i < 5; i++) {
            assertFalse(send("POST", "/api/auth/login", "10.0.0.1").isRejection(), "login " + (i + 1));
        }
        Verdict sixth = send("POST", "/api/auth/login", "10.0.0.1");
        assertEquals(429, sixth.status());
        // 5r/m is 83 milli-requests/s in NGINX's integers: one request drains in ceil(1000 * 1000 / 83) = 12049 ms
        assertEquals("13", sixth.headers().get("Retry-After"));
        assertEquals("5", sixth.headers().get("RateLimit-Limit"));
        assertEquals("0", sixth.headers().get("RateLimit-Remaining"));
        assertFalse(send("POST", "/api/auth/login", "10.0.0.2").isRejection(), "another client has its own bucket");
        assertFalse(send("GET", "/api/auth/login", "10.0.0.1").isRejection(), "the zone is for POST only");
        clock.addAndGet(12_048);
        assertTrue(send("POST", "/api/auth/login", "10.0.0.1").isRejection());
        clock.addAndGet(1);
        assertFalse(send("POST", "/api/auth/login", "10.0.0.1").isRejection());
    }

    @Test
    void retryAfterIsWhenTheNextRequestIsAdmitted() {
        zone("api", Map.of("paths", "/api/**", "rate", "1r/s", "burst", 2, "nodelay", true));
        burst(3, "10.0.0.1");
        clock.addAndGet(300);
        Verdict v = get("10.0.0.1");
        assertEquals("1", v.headers().get("Retry-After"), "700 ms to go, rounded up to whole seconds");
        clock.addAndGet(699);
        assertTrue(get("10.0.0.1").isRejection());
        clock.addAndGet(1);
        assertFalse(get("10.0.0.1").isRejection());
    }

    @Test
    void withoutNodelayTheBurstIsDelayedByExcessOverRate() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5));
        List<Verdict> verdicts = burst(7, "10.0.0.1");
        long[] expected = {0, 100, 200, 300, 400, 500};
        for (int i = 0; i < 6; i++) {
            assertFalse(verdicts.get(i).isRejection());
            assertEquals(expected[i], verdicts.get(i).delayMillis(), "request " + (i + 1));
        }
        assertEquals(429, verdicts.get(6).status());
    }

    @Test
    void twoStageDelayServesTheFirstExcessImmediately() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5, "delay", 2));
        List<Verdict> verdicts = burst(7, "10.0.0.1");
        long[] expected = {0, 0, 0, 100, 200, 300};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], verdicts.get(i).delayMillis(), "request " + (i + 1));
        }
        assertTrue(verdicts.get(6).isRejection());
    }

    @Test
    void delayIsComputedWithNginxIntegerArithmetic() {
        zone("api", Map.of("paths", "/api/**", "rate", "3r/s", "burst", 3));
        List<Verdict> verdicts = burst(4, "10.0.0.1");
        // rate 3000 milli/s; excess 1000 -> 1000 * 1000 / 3000 = 333 ms, 2000 -> 666 ms, 3000 -> 1000 ms
        assertEquals(List.of(0L, 333L, 666L, 1000L), verdicts.stream().map(Verdict::delayMillis).toList());
    }

    @Test
    void rejectedRequestsAreNotAccounted() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 1, "nodelay", true));
        burst(2, "10.0.0.1");
        burst(50, "10.0.0.1");
        clock.addAndGet(100);
        assertFalse(get("10.0.0.1").isRejection(), "50 rejected requests did not push the next admission back");
    }

    @Test
    void anIdleClientGetsItsWholeBurstBack() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5, "nodelay", true));
        assertEquals(6, admitted(burst(10, "10.0.0.1")));
        clock.addAndGet(600);
        assertEquals(6, admitted(burst(10, "10.0.0.1")));
    }

    @Test
    void aClockThatGoesBackwardsDrainsNothing() {
        zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 1, "nodelay", true));
        burst(2, "10.0.0.1");
        clock.addAndGet(-5_000);
        assertTrue(get("10.0.0.1").isRejection());
    }

    @Test
    void aRequestMatchingTwoZonesIsAccountedInBothOnlyWhenBothAdmitIt() {
        Zone api = zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 10, "nodelay", true));
        Zone login = zone("login", Map.of("paths", "/api/auth/login", "rate", "1r/s", "burst", 0));
        assertFalse(send("POST", "/api/auth/login", "10.0.0.1").isRejection());
        assertTrue(send("POST", "/api/auth/login", "10.0.0.1").isRejection(), "login zone is at its burst");
        assertEquals(1, login.hits.getCount());
        // the rejection by 'login' was not accounted in 'api': 10 more fit its burst of 10 (1 used)
        assertEquals(10, admitted(burst(11, "10.0.0.1")));
        assertEquals(11, api.passed.getCount());
    }

    @Test
    void theLargestDelayOfTheMatchingZonesWins() {
        zone("a", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 5));
        zone("b", Map.of("paths", "/api/**", "rate", "1r/s", "burst", 5));
        List<Verdict> verdicts = burst(3, "10.0.0.1");
        assertEquals(List.of(0L, 1000L, 2000L), verdicts.stream().map(Verdict::delayMillis).toList());
    }

    @Test
    void rateLimitHeadersDescribeTheTightestZone() {
        zone("api", Map.of("paths", "/api/**", "rate", "1r/s", "burst", 4, "nodelay", true));
        TestExchange first = new TestExchange("GET", "/api/x", "10.0.0.1");
        filter.filter(first);
        assertEquals("5", first.responseHeader("RateLimit-Limit"));
        assertEquals("4", first.responseHeader("RateLimit-Remaining"));
        TestExchange second = new TestExchange("GET", "/api/x", "10.0.0.1");
        filter.filter(second);
        assertEquals("3", second.responseHeader("RateLimit-Remaining"));
        assertEquals("1", second.responseHeader("RateLimit-Reset"), "one request drains in one second");
    }

    @Test
    void requestsOutsideEveryZoneAreNotLimited() {
        zone("api", Map.of("paths", "/api/**", "rate", "1r/m"));
        for (int i = 0; i < 100; i++) {
            assertFalse(send("GET", "/static/app.js", "10.0.0.1").isRejection());
        }
    }

    @Test
    void aZoneKeyedByAHeaderIgnoresRequestsWithoutIt() {
        zone("tenant", Map.of("paths", "/api/**", "rate", "1r/m", "key", "header:X-Tenant"));
        assertEquals(10, admitted(burst(10, "10.0.0.1")), "no X-Tenant: the zone does not apply, as in NGINX");
        TestExchange a = new TestExchange("GET", "/api/x", "10.0.0.1").header("X-Tenant", "acme");
        TestExchange b = new TestExchange("GET", "/api/x", "10.0.0.2").header("X-Tenant", "acme");
        assertFalse(filter.filter(a).isRejection());
        assertTrue(filter.filter(b).isRejection(), "same tenant from another address shares the bucket");
    }

    @Test
    void countersAndSecurityEventsFollowTheVerdicts() {
        Zone z = zone("api", Map.of("paths", "/api/**", "rate", "10r/s", "burst", 1));
        List<io.gatehouse.api.audit.SecurityEvent> events = new ArrayList<>();
        registry.bindEvents(events::add);
        burst(5, "10.0.0.1");
        assertEquals(2, z.passed.getCount());
        assertEquals(1, z.delayed.getCount());
        assertEquals(3, z.hits.getCount());
        assertEquals(1, events.size(), "one event per key and second: a flood does not flood the audit trail");
        assertEquals(io.gatehouse.api.audit.SecurityEventType.RATE_LIMITED, events.get(0).type());
        assertTrue(events.get(0).detail().contains("zone api"), events.get(0).detail());
        clock.addAndGet(1000);
        burst(5, "10.0.0.1");
        assertEquals(2, events.size());
    }
}
