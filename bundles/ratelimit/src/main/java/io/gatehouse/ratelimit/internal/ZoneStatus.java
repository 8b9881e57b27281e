package io.gatehouse.ratelimit.internal;

/** A zone's configuration and live counters, as the shell shows them. */
public record ZoneStatus(String name, String paths, String methods, String key, String rate, int burst, String delay,
        int conn, int keys, int maxKeys, long passed, long delayed, long limited, long connLimited) {

    static ZoneStatus of(Zone z) {
        ZoneSpec s = z.spec();
        return new ZoneStatus(s.name(), String.join(",", s.paths().stream().map(Object::toString).toList()),
                s.methods().isEmpty() ? "*" : String.join(",", s.methods()), s.key().toString(),
                s.rate() == null ? "-" : s.rate().text(), (int) (s.burst() / LeakyBucket.REQUEST),
                s.rate() == null ? "-" : s.delayText(), s.conn(), z.keys(), s.maxKeys(), z.passed.getCount(),
                z.delayed.getCount(), z.hits.getCount(), z.connHits.getCount());
    }
}
