package io.gatehouse.balancer.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes every backend's health path on its own threads, never on the request path: one timer thread, two HTTP
 * threads, at most one probe in flight per backend, each bounded by the timeout. 2xx and 3xx pass.
 */
final class ActiveHealthChecker implements AutoCloseable {

    private final BackendPool pool;
    private final ScheduledExecutorService timer;
    private final ExecutorService io;
    private volatile HttpClient client;
    private volatile HealthSettings settings;
    private ScheduledFuture<?> task;

    ActiveHealthChecker(BackendPool pool) {
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("gatehouse-balancer-health"));
        this.io = Executors.newFixedThreadPool(2, threads("gatehouse-balancer-health-io"));
    }

    synchronized void apply(HealthSettings next) {
        HealthSettings previous = settings;
        if (next.equals(previous)) {
            return;
        }
        settings = next;
        if (previous == null || previous.timeoutNanos() != next.timeoutNanos()) {
            client = HttpClient.newBuilder().executor(io).connectTimeout(Duration.ofNanos(next.timeoutNanos()))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (next.enabled()) {
            task = timer.scheduleWithFixedDelay(this::probeAll, next.intervalNanos(), next.intervalNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void probeAll() {
        HealthSettings s = settings;
        HttpClient c = client;
        for (ManagedBackend b : pool.managed()) {
            if (!b.checkInFlight.compareAndSet(false, true)) {
                continue; // the previous probe has not finished: never pile up
            }
            HttpRequest request;
            try {
                request = HttpRequest.newBuilder(uri(b, s.path())).timeout(Duration.ofNanos(s.timeoutNanos()))
                        .header("User-Agent", "Gatehouse-HealthCheck").GET().build();
            } catch (IllegalArgumentException e) {
                b.checkInFlight.set(false);
                pool.checked(b, false, s.healthyThreshold(), s.unhealthyThreshold());
                continue;
            }
            c.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .orTimeout(s.timeoutNanos() * 2, TimeUnit.NANOSECONDS)
                    .whenComplete((response, error) -> {
                        b.checkInFlight.set(false);
                        boolean passed = error == null && response.statusCode() >= 200 && response.statusCode() < 400;
                        pool.checked(b, passed, s.healthyThreshold(), s.unhealthyThreshold());
                    });
        }
    }

    static URI uri(ManagedBackend b, String path) {
        String host = b.host().indexOf(':') >= 0 ? "[" + b.host() + "]" : b.host();
        return URI.create("http://" + host + ":" + b.port() + path);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        io.shutdownNow();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
