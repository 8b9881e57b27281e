package io.gatehouse.ratelimit.internal;

import io.gatehouse.tools.exchange.TestExchange;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decisions per second of the limit_req filter, without HTTP: one hot key (every thread on one CAS) and distinct
 * keys beyond max.keys (insertion plus eviction). A benchmark, not a test: run it with bench/ratelimit.sh.
 */
public final class LimiterBench {

    private static final long RUN_MILLIS = 2_000;

    private LimiterBench() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("%-28s %8s %16s%n", "case", "threads", "decisions/s");
        for (int threads : new int[] {1, 2, 4}) {
            run("one hot key", threads, false);
            run("distinct keys, max 100000", threads, true);
        }
    }

    private static void run(String name, int threads, boolean distinct) throws Exception {
        ZoneRegistry registry = new ZoneRegistry(() -> System.nanoTime() / 1_000_000, false);
        registry.add(new Zone(Configs.zone("bench", Map.of("paths", "/api/**", "rate", "100r/s", "burst", 50,
                "nodelay", true, "max.keys", 100_000))));
        LimitReqFilter filter = new LimitReqFilter(registry);
        // warm-up
        for (int i = 0; i < 200_000; i++) {
            filter.filter(new TestExchange("GET", "/api/x", "w" + (i % 1000)));
        }
        LongAdder done = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        long[] end = new long[1];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                TestExchange hot = new TestExchange("GET", "/api/x", "10.0.0.1");
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                while (System.nanoTime() < end[0]) {
                    for (int i = 0; i < 1000; i++) {
                        filter.filter(distinct ? new TestExchange("GET", "/api/x", id + "." + n + "." + i) : hot);
                    }
                    n++;
                }
                done.add(n * 1000);
            });
            workers[t].start();
        }
        end[0] = System.nanoTime() + RUN_MILLIS * 1_000_000;
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        System.out.printf("%-28s %8d %,16d%n", name, threads, done.sum() * 1000 / RUN_MILLIS);
    }
}
