package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * limit_req: every zone that matches the request (and yields a key) is consulted as NGINX consults the
 * {@code limit_req} directives of a location. All zones but the last are only looked up; if none is over its burst
 * the last one looks up and accounts atomically, then the others are accounted. Any zone over its burst rejects
 * the request without accounting it anywhere. The delay is the largest of the zones' delays.
 */
@Component(service = RequestFilter.class, property = {
    RequestFilter.NAME + "=ratelimit",
    Constants.SERVICE_RANKING + ":Integer=" + LimitReqFilter.RANKING})
public class LimitReqFilter implements RequestFilter {

    /** Below the security filters (headers 3000, hardening 2000, access control 1500). */
    static final int RANKING = 1000;

    private final ZoneRegistry registry;

    @Activate
    public LimitReqFilter(@Reference ZoneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Verdict filter(Exchange exchange) {
        Zone[] zones = registry.zones();
        if (zones.length == 0) {
            return Verdict.proceed();
        }
        String method = exchange.method();
        String path = exchange.path();
        Zone[] matched = null;
        String[] keys = null;
        int n = 0;
        for (Zone z : zones) {
            ZoneSpec s = z.spec();
            if (s.rate() == null || !s.matches(method, path)) {
                continue;
            }
            String key = s.key().key(exchange);
            if (key == null) {
                continue;
            }
            if (matched == null) {
                matched = new Zone[zones.length];
                keys = new String[zones.length];
            }
            matched[n] = z;
            keys[n++] = key;
        }
        if (n == 0) {
            return Verdict.proceed();
        }
        long now = registry.now();
        ZoneSpec[] specs = new ZoneSpec[n];
        LeakyBucket[] buckets = new LeakyBucket[n];
        for (int i = 0; i < n; i++) {
            specs[i] = matched[i].spec();
            buckets[i] = matched[i].bucket(keys[i], now);
            LeakyBucket.Outcome o = i < n - 1
                    ? buckets[i].check(now, specs[i].rate().milliPerSecond(), specs[i].burst())
                    : buckets[i].acquire(now, specs[i].rate().milliPerSecond(), specs[i].burst());
            if (o.busy()) {
                return limited(exchange, matched[i], specs[i], buckets[i], keys[i], o, now);
            }
            if (i == n - 1) {
                return admitted(exchange, matched, specs, buckets, n, o.excess(), now);
            }
        }
        throw new AssertionError("unreachable");
    }

    private Verdict admitted(Exchange exchange, Zone[] zones, ZoneSpec[] specs, LeakyBucket[] buckets, int n,
            long lastExcess, long now) {
        long[] excess = new long[n];
        excess[n - 1] = lastExcess;
        for (int i = 0; i < n - 1; i++) {
            excess[i] = buckets[i].commit(now, specs[i].rate().milliPerSecond());
        }
        long delay = 0;
        int tightest = -1;
        long leastRemaining = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            zones[i].passed.inc();
            long d = delayMillis(specs[i], excess[i]);
            if (d > 0) {
                zones[i].delayed.inc();
                delay = Math.max(delay, d);
            }
            long remaining = (specs[i].burst() - excess[i]) / LeakyBucket.REQUEST;
            if (specs[i].headers() && remaining < leastRemaining) {
                leastRemaining = remaining;
                tightest = i;
            }
        }
        if (tightest >= 0) {
            ZoneSpec s = specs[tightest];
            exchange.setResponseHeader("RateLimit-Limit", String.valueOf(limit(s)));
            exchange.setResponseHeader("RateLimit-Remaining", String.valueOf(leastRemaining));
            exchange.setResponseHeader("RateLimit-Reset", String.valueOf(drainSeconds(s, excess[tightest])));
        }
        return Verdict.delay(delay);
    }

    private Verdict limited(Exchange exchange, Zone zone, ZoneSpec spec, LeakyBucket bucket, String key,
            LeakyBucket.Outcome o, long now) {
        zone.hits.inc();
        if (bucket.shouldReport(now, ZoneRegistry.REPORT_INTERVAL_MILLIS)) {
            registry.report(exchange, key, "zone " + spec.name() + ": limit_req excess "
                    + excessText(o.excess()) + " > burst " + spec.burst() / LeakyBucket.REQUEST + " at " + spec.rate());
        }
        Verdict v = Verdict.reject(spec.status(), "too many requests (rate-limit zone " + spec.name() + ")")
                .withHeader("Retry-After", String.valueOf(ceilSeconds(o.retryAfterMillis())));
        if (spec.headers()) {
            v = v.withHeader("RateLimit-Limit", String.valueOf(limit(spec)))
                    .withHeader("RateLimit-Remaining", "0")
                    .withHeader("RateLimit-Reset", String.valueOf(drainSeconds(spec, o.excess() - LeakyBucket.REQUEST)));
        }
        return v;
    }

    /** NGINX's delay: the excess above the delay threshold, drained at the zone's rate. */
    static long delayMillis(ZoneSpec spec, long excess) {
        if (excess <= spec.delay()) {
            return 0;
        }
        return (excess - spec.delay()) * 1000 / spec.rate().milliPerSecond();
    }

    /** Requests a fresh key may send at once. */
    private static long limit(ZoneSpec s) {
        return s.burst() / LeakyBucket.REQUEST + 1;
    }

    /** Seconds until the excess has drained completely. */
    private static long drainSeconds(ZoneSpec s, long excess) {
        long rate = s.rate().milliPerSecond();
        return ceilSeconds((Math.max(0, excess) * 1000 + rate - 1) / rate);
    }

    static long ceilSeconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private static String excessText(long excess) {
        return excess / 1000 + "." + String.format("%03d", excess % 1000);
    }
}
