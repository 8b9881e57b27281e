package io.gatehouse.ratelimit.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One key's limit_req state, the leaky bucket of NGINX's {@code ngx_http_limit_req_module}: the excess (in
 * milli-requests) the key has accumulated and when it was last accounted. Every request adds 1000 to the excess
 * after the time since the last one has drained {@code rate * ms / 1000} of it; a request whose excess would exceed
 * the burst is rejected and changes nothing. Lock-free: the state is an immutable pair swapped with CAS.
 */
final class LeakyBucket {

    /** One request, in the milli-request unit of the excess. */
    static final long REQUEST = 1000;

    record State(long excess, long last) {
    }

    /** The result of looking a request up: its excess, or a rejection with the time until one would pass. */
    record Outcome(boolean busy, long excess, long retryAfterMillis) {
    }

    /** null until the first request: a new key's first request gets excess 0, as NGINX's new node does. */
    private final AtomicReference<State> state = new AtomicReference<>();
    private final long created;
    private volatile long lastReportedAt = Long.MIN_VALUE;

    LeakyBucket(long now) {
        this.created = now;
    }

    /** Milliseconds since {@code last}, clamped as NGINX clamps a clock that went backwards. */
    static long elapsed(long now, long last) {
        long ms = now - last;
        if (ms < -60_000) {
            return 1;
        }
        return Math.max(ms, 0);
    }

    /** The excess this request would have: the old excess drained for {@code ms}, plus one request, at least 0. */
    static long candidate(long excess, long rate, long ms) {
        return Math.max(0, excess - rate * ms / 1000 + REQUEST);
    }

    /** Looks the request up and, unless it exceeds the burst, accounts it (NGINX's lookup with account). */
    Outcome acquire(long now, long rate, long burst) {
        while (true) {
            State s = state.get();
            if (s == null) {
                if (state.compareAndSet(null, new State(0, now))) {
                    return new Outcome(false, 0, 0);
                }
                continue;
            }
            long ms = elapsed(now, s.last());
            long excess = candidate(s.excess(), rate, ms);
            if (excess > burst) {
                return new Outcome(true, excess, retryAfter(s, now, rate, burst));
            }
            if (state.compareAndSet(s, new State(excess, ms != 0 ? now : s.last()))) {
                return new Outcome(false, excess, 0);
            }
        }
    }

    /** Looks the request up without accounting it (NGINX's lookup of every zone but the last). */
    Outcome check(long now, long rate, long burst) {
        State s = state.get();
        if (s == null) {
            return new Outcome(false, 0, 0);
        }
        long excess = candidate(s.excess(), rate, elapsed(now, s.last()));
        return excess > burst ? new Outcome(true, excess, retryAfter(s, now, rate, burst)) : new Outcome(false, excess, 0);
    }

    /** Accounts a request already admitted by the check (NGINX's account step): no burst test. */
    long commit(long now, long rate) {
        while (true) {
            State s = state.get();
            State next;
            if (s == null) {
                next = new State(0, now);
            } else {
                long ms = elapsed(now, s.last());
                next = new State(candidate(s.excess(), rate, ms), ms != 0 ? now : s.last());
            }
            if (state.compareAndSet(s, next)) {
                return next.excess();
            }
        }
    }

    /**
     * Milliseconds until a request would fit the burst: the first ms for which {@code rate * ms / 1000} has drained
     * enough of the stored excess, counted from the last accounting.
     */
    private static long retryAfter(State s, long now, long rate, long burst) {
        long needed = s.excess() + REQUEST - burst;
        long total = (needed * 1000 + rate - 1) / rate;
        return Math.max(1, total - elapsed(now, s.last()));
    }

    /**
     * True when this key's next request would start from excess 0, exactly as a brand-new key would: forgetting
     * the bucket then changes nothing.
     */
    boolean idle(long now, long rate) {
        State s = state.get();
        if (s == null) {
            return true;
        }
        return s.excess() + REQUEST - rate * elapsed(now, s.last()) / 1000 <= 0;
    }

    /** The current excess after draining to {@code now}, without a new request (for live counters). */
    long excessAt(long now, long rate) {
        State s = state.get();
        return s == null ? 0 : Math.max(0, s.excess() - rate * elapsed(now, s.last()) / 1000);
    }

    long lastSeen() {
        State s = state.get();
        return s == null ? created : s.last();
    }

    /** True at most once per {@code intervalMillis}: security events for one key are rate-limited too. */
    boolean shouldReport(long now, long intervalMillis) {
        long previous = lastReportedAt;
        if (previous != Long.MIN_VALUE && now - previous < intervalMillis) {
            return false;
        }
        lastReportedAt = now;
        return true;
    }
}
