package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the listener lets an in-flight request finish and refuses new connections. */
class GracefulStopTest {

    @TempDir
    Path dir;

    @Test
    void inFlightRequestFinishesAndNewConnectionsAreRefused() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/", exchange -> {
            arrived.countDown();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        slow.start();
        FakeBalancer balancer = new FakeBalancer();
        balancer.add(slow.getAddress().getPort());
        ListenerConfig config = Configs.config(Map.of("https_port", 0, "http_port", -1,
                "tls_watch_interval_seconds", 0, "drain_timeout_ms", 10_000L,
                "static_routes", new String[] {"/ui/=" + dir},
                "filters_on_worker", true)); // the worker-thread filter path drains the same way
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        FilterChain chain = new FilterChain();
        java.util.Set<String> filterThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        chain.add(new FilterEntry(exchange -> {
            filterThreads.add(Thread.currentThread().getName());
            return io.gatehouse.api.http.Verdict.proceed();
        }, "thread-recorder", 0, 1, "test"));
        GatewayServer server = GatewayServer.start(config, tls, chain, () -> balancer,
                new GatewayMetrics(new MetricRegistry()), c -> null);
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.httpsPort() + "/slow");
            HttpClient client = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(arrived.await(10, TimeUnit.SECONDS), "the request reached the backend");
            int port = server.httpsPort();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("{\"slow\":true}", response.body());
            stopping.get(15, TimeUnit.SECONDS);
            HttpClient fresh = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            assertThrows(IOException.class, () -> fresh.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/after")).build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(balancer.outcomes.contains("127.0.0.1:" + slow.getAddress().getPort() + " ok 200"), balancer.outcomes.toString());
            assertEquals(1, filterThreads.size(), "the filter ran (on a worker) for the proxied request: " + filterThreads);
        } finally {
            server.stop();
            slow.stop(0);
        }
    }
}
