package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests beyond a backend's connection limit: at most {@code upstream.max.queued.per.backend} wait, in order, for a
 * free connection; the next is answered 503 at once, which is not the backend's failure. One connection per backend
 * and two waiting places here, against a backend that takes 700 ms for the first answer.
 *
 * <p>A request whose time runs out while it waits gets a 504 that does not blame the backend either, but no test
 * reaches that timer deterministically: the time limit covers the whole exchange, waiting included, so the request
 * holding the connection always reaches its own limit first and frees the connection for the waiting one.
 */
class UpstreamQueueTest {

    @TempDir
    static Path dir;

    static volatile FakeBalancer balancer = new FakeBalancer();
    static GatewayServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        ListenerConfig config = Configs.config(Map.of(
                "https_port", 0, "http_port", -1, "static_routes", new String[0], "tls_watch_interval_seconds", 0,
                "upstream_total_timeout_ms", 1000L,
                "upstream_max_connections_per_backend", 1,
                "upstream_max_queued_per_backend", 2));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        server = GatewayServer.start(config, tls, new FilterChain(), () -> balancer,
                new GatewayMetrics(new MetricRegistry()), c -> null);
        client = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static CompletableFuture<HttpResponse<String>> send(String path) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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
        try (ScriptedBackend backend = new ScriptedBackend()) {
            FakeBalancer single = new FakeBalancer();
            String id = "127.0.0.1:" + backend.port();
            single.add(backend.port());
            balancer = single;
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
                    single.outcomes.stream().sorted().toList(), "no failure counted against the backend");
        }
    }
}
