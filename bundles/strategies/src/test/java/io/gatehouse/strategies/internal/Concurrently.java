package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Runs {@code select} from many threads at once and counts the picks; fails on a pick outside the candidates. */
final class Concurrently {

    private Concurrently() {
    }

    static Map<String, Long> select(BalancingStrategy strategy, List<Backend> candidates, int threads, int perThread,
            boolean holdWhileSelecting) throws Exception {
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?>[] futures = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Exchange exchange = new TestExchange("10.0." + thread + "." + (i % 250));
                        Backend b = strategy.select(candidates, exchange);
                        if (!candidates.contains(b)) {
                            throw new AssertionError("picked " + b + ", not a candidate");
                        }
                        if (holdWhileSelecting && b instanceof TestBackend tb) {
                            tb.active.incrementAndGet();
                            tb.active.decrementAndGet();
                        }
                        counts.computeIfAbsent(b.id(), k -> new LongAdder()).increment();
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> result = new ConcurrentHashMap<>();
        counts.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }
}
