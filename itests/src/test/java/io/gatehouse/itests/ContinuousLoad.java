package io.gatehouse.itests;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Continuous HTTPS load through the gateway's listener while a test changes the cluster: idempotent requests
 * ({@code GET /health}, expecting 200) on several threads, and non-idempotent ones ({@code POST /health} with a body,
 * answered below 500 by the app: the request reached an app container and came back) on another. Every other outcome
 * (an exception, a 5xx from the gateway) is a failure, kept with its reason.
 */
final class ContinuousLoad implements AutoCloseable {

    /**
     * Counts of one load phase. A failed GET is either answered with an error status by the gateway (it gave up: no
     * backend could serve it), or broken: the connection ended mid-response, which no proxy can retry once it has
     * begun sending the response.
     */
    record Counts(long idempotent, long idempotentFailed, long idempotentBroken, long other, long otherFailed,
            List<String> failures) {

        @Override
        public String toString() {
            return "GET: " + idempotent + " sent, " + idempotentFailed + " failed (" + idempotentBroken
                    + " of them broken mid-response); POST: " + other + " sent, " + otherFailed + " failed"
                    + (failures.isEmpty() ? "" : "; first failures: " + failures);
        }
    }

    private final HttpClient client;
    private final URI uri;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong idempotent = new AtomicLong();
    private final AtomicLong idempotentFailed = new AtomicLong();
    private final AtomicLong idempotentBroken = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicLong otherFailed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    ContinuousLoad(int httpsPort, int getThreads) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {new TrustGenerated()}, new SecureRandom());
        this.client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.uri = URI.create("https://127.0.0.1:" + httpsPort + "/health");
        for (int i = 0; i < getThreads; i++) {
            threads.add(new Thread(this::gets, "load-get-" + i));
        }
        threads.add(new Thread(this::posts, "load-post"));
        threads.forEach(Thread::start);
    }

    private void gets() {
        HttpRequest get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        while (running.get()) {
            idempotent.incrementAndGet();
            String failure = send(get, 200);
            if (failure != null) {
                idempotentFailed.incrementAndGet();
                if (!failure.matches("\\d{3} .*")) {
                    idempotentBroken.incrementAndGet();
                }
                note("GET " + failure);
            }
        }
    }

    private void posts() {
        HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build();
        while (running.get()) {
            other.incrementAndGet();
            String failure = send(post, -1);
            if (failure != null) {
                otherFailed.incrementAndGet();
                note("POST " + failure);
            }
        }
    }

    private String send(HttpRequest request, int expected) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            boolean ok = expected > 0 ? r.statusCode() == expected : r.statusCode() < 500;
            return ok ? null : r.statusCode() + " " + r.body();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return e.toString();
        }
    }

    private void note(String failure) {
        if (failures.size() < 10) {
            failures.add(System.currentTimeMillis() + " " + failure);
        }
    }

    /** The counts so far, and starts counting anew (the load keeps running). */
    Counts phase() {
        Counts c = new Counts(idempotent.getAndSet(0), idempotentFailed.getAndSet(0), idempotentBroken.getAndSet(0),
                other.getAndSet(0), otherFailed.getAndSet(0), List.copyOf(failures));
        failures.clear();
        return c;
    }

    /** Requests sent in this phase so far. */
    long sent() {
        return idempotent.get() + other.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(70_000);
        }
    }

    /** The gateway's certificate is generated on its first start: the test trusts it (TLS is still real). */
    private static final class TrustGenerated extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
