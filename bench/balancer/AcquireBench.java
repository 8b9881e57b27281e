package io.gatehouse.balancer.internal;

import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.strategies.internal.ConsistentHashStrategy;
import io.gatehouse.strategies.internal.LeastConnectionsStrategy;
import io.gatehouse.strategies.internal.PowerOfTwoEwmaStrategy;
import io.gatehouse.strategies.internal.RoundRobinStrategy;
import io.gatehouse.strategies.internal.SmoothWeightedRoundRobinStrategy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput of the balancer's request path (acquire + succeeded) per strategy, outside any container. Not a test:
 * run bench/balancer/run.sh on purpose; it prints numbers.
 */
public final class AcquireBench {

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 3;
        Map<String, BalancingStrategy> strategies = new java.util.LinkedHashMap<>();
        strategies.put("least-conn", new LeastConnectionsStrategy());
        strategies.put("round-robin", new RoundRobinStrategy());
        strategies.put("weighted-round-robin", new SmoothWeightedRoundRobinStrategy());
        strategies.put("ip-hash", new ConsistentHashStrategy());
        strategies.put("p2c-ewma", new PowerOfTwoEwmaStrategy());
        long origin = System.nanoTime() - 1;
        MetricsBinding metrics = new MetricsBinding();
        StrategyCatalog catalog = new StrategyCatalog(metrics);
        BackendPool pool = new BackendPool(() -> System.nanoTime() - origin, catalog, metrics);
        PassivePolicy policy = new PassivePolicy(1, TimeUnit.SECONDS.toNanos(10), 0);
        for (int i = 0; i < 4; i++) {
            pool.add(BackendDefinition.parse("127.0.0.1:" + (5005 + i) + " weight=" + (i + 1), policy), "bench");
        }
        strategies.forEach(catalog::add);
        System.out.printf("%d thread(s), 4 backends, %d s per strategy after a %d s warm-up%n", threads, seconds,
                seconds);
        for (String name : strategies.keySet()) {
            catalog.desire(name);
            run(pool, threads, seconds); // warm-up
            double perSecond = run(pool, threads, seconds);
            System.out.printf("%-22s %,14.0f acquire+release/s  (%.0f ns each per thread)%n", name, perSecond,
                    threads * 1e9 / perSecond);
        }
    }

    private static double run(BackendPool pool, int threads, long seconds) throws InterruptedException {
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                long n = 0;
                while ((n & 1023) != 0 || System.nanoTime() < end) {
                    Lease lease = pool.acquire(null, Set.of()).orElseThrow();
                    lease.succeeded(200, 1_000_000);
                    n++;
                }
                done.add(n);
            });
            workers[t].start();
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        return done.sum() * 1e9 / (System.nanoTime() - start);
    }
}
