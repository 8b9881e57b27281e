package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring: each backend owns {@value #POINTS_PER_WEIGHT} points per unit of configured weight; a key
 * belongs to the first point clockwise from its hash. When a backend leaves, only the keys it owned move.
 */
final class HashRing {

    static final int POINTS_PER_WEIGHT = 160;
    static final int MAX_POINTS_PER_BACKEND = 160 * 16;

    private final List<Backend> candidates;
    private final long[] points;
    private final Backend[] owners;

    private HashRing(List<Backend> candidates, long[] points, Backend[] owners) {
        this.candidates = candidates;
        this.points = points;
        this.owners = owners;
    }

    static HashRing of(List<Backend> candidates) {
        int total = 0;
        for (Backend b : candidates) {
            total += pointsFor(b);
        }
        long[][] entries = new long[total][];
        int k = 0;
        for (int i = 0; i < candidates.size(); i++) {
            Backend b = candidates.get(i);
            for (int p = 0, n = pointsFor(b); p < n; p++) {
                entries[k++] = new long[] {hash(b.id() + "#" + p), i};
            }
        }
        Arrays.sort(entries, (x, y) -> Long.compare(x[0], y[0]));
        long[] points = new long[total];
        Backend[] owners = new Backend[total];
        for (int i = 0; i < total; i++) {
            points[i] = entries[i][0];
            owners[i] = candidates.get((int) entries[i][1]);
        }
        return new HashRing(candidates, points, owners);
    }

    private static int pointsFor(Backend b) {
        return (int) Math.min(MAX_POINTS_PER_BACKEND, (long) POINTS_PER_WEIGHT * Math.max(1, b.weight()));
    }

    /** The same ring, remembered as belonging to {@code sameBackends} (an equal list, another instance). */
    HashRing withCandidates(List<Backend> sameBackends) {
        return new HashRing(sameBackends, points, owners);
    }

    List<Backend> candidates() {
        return candidates;
    }

    Backend owner(CharSequence key) {
        int i = Arrays.binarySearch(points, hash(key));
        if (i < 0) {
            i = -i - 1;
        }
        return owners[i == points.length ? 0 : i];
    }

    /** FNV-1a over the characters, then the SplitMix64 finaliser so nearby keys land far apart. No allocation. */
    static long hash(CharSequence key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = key.length(); i < n; i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
