package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests beyond a backend's connection limit (one connection per backend here): at most
 * {@code upstream.max.queued.per.backend} wait, in order, for a free connection, the next is answered 503 at once; one
 * that waits longer than {@code upstream.queue.timeout.ms} is answered 504. Neither is the backend's failure.
 *
 * <p>The 504 needs the shorter {@code upstream.queue.timeout.ms} to be reached on purpose: with only
 * {@code upstream.total.timeout.ms}, which covers the whole exchange, the request holding the connection reaches its
 * own limit first and frees the connection for the waiting one.
 */
class UpstreamQueueTest {

    @TempDir
    Path dir;

    private final FakeBalancer balancer = new FakeBalancer();
    private GatewayServer server;
    private HttpClient client;

    /** A gateway with one connection per backend and {@code settings} on top. */
    private void start(Map<String, Object> settings) throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of(
                "https_port", 0, "http_port", -1, "static_routes", new String[0], "tls_watch_interval_seconds", 0,
                "upstream_max_connections_per_backend", 1));
        values.putAll(settings);
        ListenerConfig config = Configs.config(values);
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        server = GatewayServer.start(config, tls, new FilterChain(), () -> balancer,
                new GatewayMetrics(new MetricRegistry()), c -> null);
        client = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private CompletableFuture<HttpResponse<String>> send(String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (bounded) for a state of the gateway that the next step depends on. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void beyondTheWaitingPlacesA503AtOnceAndTheBackendIsNotBlamed() throws Exception {
        start(Map.of("upstream_total_timeout_ms", 1000L, "upstream_max_queued_per_backend", 2));
        try (ScriptedBackend backend = new ScriptedBackend()) {
            String id = "127.0.0.1:" + backend.port();
            balancer.add(backend.port());
            CompletableFuture<HttpResponse<String>> first = send("/linger");
            await("the first request reaches the backend", () -> backend.heads.size() == 1);
            CompletableFuture<HttpResponse<String>> second = send("/items");
            CompletableFuture<HttpResponse<String>> third = send("/items");
            await("two requests wait", () -> server.pool.queued(id) == 2);

            HttpResponse<String> turnedAway = send("/items").get();
            assertEquals(503, turnedAway.statusCode(), turnedAway.body());
            assertTrue(turnedAway.body().contains("upstream busy"), turnedAway.body());
            assertTrue(first.get().statusCode() == 200 && second.get().statusCode() == 200
                    && third.get().statusCode() == 200, "the ones that waited are served");
            assertEquals(3, backend.heads.size(), "the turned-away request never reached the backend");
            assertEquals(1, backend.connections.get());
            assertEquals(List.of(id + " ok 200", id + " ok 200", id + " ok 200", id + " ok 503"),
                    balancer.outcomes.stream().sorted().toList(), "no failure counted against the backend");
        }
    }

    @Test
    void waitingLongerThanTheQueueTimeoutA504AndTheBackendIsNotBlamed() throws Exception {
        // the backend takes 3 s on /slow: the wait limit, not the total one, ends the second request's wait
        start(Map.of("upstream_total_timeout_ms", 10_000L, "upstream_queue_timeout_ms", 300L));
        try (ScriptedBackend backend = new ScriptedBackend()) {
            String id = "127.0.0.1:" + backend.port();
            balancer.add(backend.port());
            CompletableFuture<HttpResponse<String>> holder = send("/slow");
            await("the first request reaches the backend", () -> backend.heads.size() == 1);

            HttpResponse<String> waited = send("/items").get();

            assertEquals(504, waited.statusCode(), waited.body());
            assertTrue(waited.body().contains("upstream busy: no connection came free in time"), waited.body());
            assertFalse(holder.isDone(), "the wait ended on its own limit, before the connection came free");
            assertEquals(0, server.pool.queued(id), "it left the queue");
            assertEquals(200, holder.get().statusCode(), "the request holding the connection is served");
            assertEquals(1, backend.heads.size(), "the request that waited never reached the backend");
            assertEquals(List.of(id + " ok 200", id + " ok 504"), balancer.outcomes.stream().sorted().toList(),
                    "no failure counted against the backend");
        }
    }
}
