package io.gatehouse.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.Lease;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrentAcquireTest {

    private static final PassivePolicy DEFAULTS = new PassivePolicy(0, TimeUnit.SECONDS.toNanos(10), 0);

    @Test
    void everyAcquireSucceedsLimitsHoldAndNothingLeaksWhileStrategiesSwap() throws Exception {
        AtomicLong clock = new AtomicLong(1);
        MetricsBinding metrics = new MetricsBinding();
        StrategyCatalog catalog = new StrategyCatalog(metrics);
        BackendPool pool = new BackendPool(clock::get, catalog, metrics);
        pool.add(BackendDefinition.parse("127.0.0.1:1 max_conns=3", DEFAULTS), "config");
        pool.add(BackendDefinition.parse("127.0.0.1:2", DEFAULTS), "config");
        pool.add(BackendDefinition.parse("127.0.0.1:3 weight=3", DEFAULTS), "config");
        AtomicLong rr = new AtomicLong();
        catalog.add("first", (c, e) -> c.get(0));
        catalog.add("rr", (c, e) -> c.get((int) (rr.getAndIncrement() % c.size())));
        catalog.add("last", (c, e) -> c.get(c.size() - 1));
        ManagedBackend limited = pool.find("127.0.0.1:1");

        int threads = 8;
        int perThread = 20_000;
        AtomicInteger empty = new AtomicInteger();
        AtomicInteger overLimit = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> swapper = executor.submit(() -> {
                String[] names = {"first", "rr", "last"};
                int i = 0;
                while (!stop.get()) {
                    catalog.desire(names[i++ % names.length]);
                    Thread.onSpinWait();
                }
                return null;
            });
            Future<?>[] workers = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        var lease = pool.acquire(null, Set.of());
                        if (lease.isEmpty()) {
                            empty.incrementAndGet();
                            continue;
                        }
                        if (limited.activeRequests() > 3) {
                            overLimit.incrementAndGet();
                        }
                        Lease l = lease.get();
                        if ((i & 7) == 0) {
                            l.failed(new RuntimeException("simulated"));
                        } else {
                            l.succeeded(200, 1_000);
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> w : workers) {
                w.get(60, TimeUnit.SECONDS);
            }
            stop.set(true);
            swapper.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertEquals(0, empty.get());
        assertEquals(0, overLimit.get());
        long total = 0;
        for (Backend b : pool.backends()) {
            assertEquals(0, b.activeRequests(), b.id());
            total += b.totalRequests();
        }
        assertEquals((long) threads * perThread, total);
        assertTrue(List.of("first", "rr", "last").contains(catalog.active().name()));
    }

    @Test
    void replacingEveryConfiguredBackendNeverLeavesRequestsWithoutOne() throws Exception {
        MetricsBinding metrics = new MetricsBinding();
        BackendPool pool = new BackendPool(() -> 1, new StrategyCatalog(metrics), metrics);
        List<BackendDefinition> blue = List.of(BackendDefinition.parse("127.0.0.1:1", DEFAULTS),
                BackendDefinition.parse("127.0.0.1:2", DEFAULTS));
        List<BackendDefinition> green = List.of(BackendDefinition.parse("127.0.0.1:3", DEFAULTS),
                BackendDefinition.parse("127.0.0.1:4", DEFAULTS));
        pool.replaceSource("config", blue);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger empty = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(executor.submit(() -> {
                    while (!stop.get()) {
                        pool.acquire(null, Set.of()).ifPresentOrElse(l -> l.succeeded(200, 1), empty::incrementAndGet);
                    }
                }));
            }
            for (int i = 0; i < 2_000; i++) {
                pool.replaceSource("config", i % 2 == 0 ? green : blue);
            }
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(0, empty.get());
    }
}
