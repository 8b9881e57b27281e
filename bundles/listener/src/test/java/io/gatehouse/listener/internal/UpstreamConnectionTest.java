package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's own upstream connections (requests without a body), against a backend scripted on raw sockets:
 * keep-alive reuse across HTTP/1.1 and HTTP/2 clients, when a connection must not be reused, what a backend's odd
 * answers become, timeouts, and the per-backend connection limit.
 */
class UpstreamConnectionTest {

    @TempDir
    static Path dir;

    static volatile FakeBalancer balancer = new FakeBalancer();
    static GatewayServer server;
    static HttpClient h1;
    static HttpClient h2;

    @BeforeAll
    static void start() throws Exception {
        ListenerConfig config = Configs.config(Map.of(
                "https_port", 0, "http_port", -1, "static_routes", new String[0],
                "tls_watch_interval_seconds", 0,
                "upstream_total_timeout_ms", 2500L, // under /slow's 3 s, well over a 16 MB answer's transfer
                "upstream_max_connections_per_backend", 2));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        server = GatewayServer.start(config, tls, new FilterChain(), () -> balancer,
                new GatewayMetrics(new MetricRegistry()), c -> null);
        h1 = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        h2 = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static ScriptedBackend only(ScriptedBackend backend) {
        FakeBalancer single = new FakeBalancer();
        single.add(backend.port());
        balancer = single;
        return backend;
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneKeepAliveConnectionCarriesSuccessiveRequestsOfBothProtocols() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            List<String> bodies = new ArrayList<>();
            for (HttpClient client : new HttpClient[] {h1, h2, h1, h2}) {
                HttpResponse<String> response = get(client, "/items");
                assertEquals(200, response.statusCode(), response.body());
                bodies.add(response.body());
            }
            assertEquals(List.of("{\"conn\":0,\"n\":0}", "{\"conn\":0,\"n\":1}", "{\"conn\":0,\"n\":2}",
                    "{\"conn\":0,\"n\":3}"), bodies);
            assertEquals(1, backend.connections.get());
            String head = backend.heads.get(1);
            assertTrue(head.startsWith("GET /items HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nX-Forwarded-Proto: https\r\n"), head);
            assertTrue(head.contains("\r\nX-Forwarded-For: 127.0.0.1\r\n"), head);
            assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.httpsPort() + "\r\n"), head);
            assertTrue(head.contains("\r\nX-Request-Id: "), head);
        }
    }

    @Test
    void connectionIsNotReusedAfterConnectionCloseOrABodyEndedByClose() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            assertEquals("{\"conn\":0,\"n\":0}", get(h1, "/close").body());
            assertEquals("{\"conn\":1,\"n\":0}", get(h1, "/until-close").body());
            HttpResponse<String> after = get(h1, "/items");
            assertEquals(200, after.statusCode());
            assertEquals("{\"conn\":2,\"n\":0}", after.body());
            assertTrue(balancer.outcomes.stream().allMatch(o -> o.endsWith(" ok 200")), balancer.outcomes.toString());
        }
    }

    @Test
    void backendClosingAnIdleConnectionCostsTheNextRequestNothing() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            assertEquals(200, get(h1, "/hang-up-after").statusCode());
            Thread.sleep(500); // the backend closed the idle connection meanwhile
            HttpResponse<String> next = get(h2, "/items");
            assertEquals(200, next.statusCode(), next.body());
            assertEquals("{\"conn\":1,\"n\":0}", next.body());
            assertTrue(balancer.outcomes.stream().noneMatch(o -> o.contains("failed")), balancer.outcomes.toString());
        }
    }

    @Test
    void keptAliveConnectionClosedUnderARequestIsRetriedOnANewOneWithoutBlamingTheBackend() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            assertEquals("{\"conn\":0,\"n\":0}", get(h1, "/items").body());
            // the backend closes the kept-alive connection as this request arrives on it (a keep-alive timeout race)
            HttpResponse<String> response = get(h2, "/drop-on-reuse");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("{\"conn\":1,\"n\":0}", response.body());
            String id = "127.0.0.1:" + backend.port();
            assertEquals(List.of(id + " ok 200", id + " ok 200"), balancer.outcomes);
            assertEquals(2, backend.heads.stream().filter(h -> h.startsWith("GET /drop-on-reuse ")).count());
        }
    }

    @Test
    void informationalAnswersAreSkippedAndHeadAnswersHaveNoBody() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            HttpResponse<String> early = get(h1, "/early");
            assertEquals(200, early.statusCode());
            assertEquals("{\"conn\":0,\"n\":0}", early.body());
            HttpResponse<String> head = h1.send(request("/items").method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals("16", head.headers().firstValue("Content-Length").orElse(""));
            assertEquals("", head.body());
            // the connection is still in step: the next answer is the next one on it
            assertEquals("{\"conn\":0,\"n\":2}", get(h2, "/items").body());
            assertEquals(1, backend.connections.get());
        }
    }

    @Test
    void backendAnsweringBeforeTheWholeBodyGetsItsAnswerRelayedAndTheConnectionClosed() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            byte[] upload = new byte[16 * 1024 * 1024]; // more than the socket buffers between gateway and backend hold
            HttpResponse<String> refused = h1.send(request("/refuse").POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, refused.statusCode(), refused.body());
            assertEquals("{\"conn\":0,\"n\":0}", refused.body());
            assertEquals(List.of("127.0.0.1:" + backend.port() + " ok 413"), balancer.outcomes);
            // the rest of the upload was never sent: that connection is not reused
            assertEquals("{\"conn\":1,\"n\":0}", get(h1, "/items").body());
        }
    }

    @Test
    void largeAnswerToAClientThatWaitsEndsWithItsLastPieceAndKeepsTheConnection() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            HttpResponse<InputStream> response = h1.send(request("/large").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            // the client takes nothing for a while: the gateway's writes wait, so does its reading of the backend, and
            // the body's pieces, the last one too, go out once the client drains them
            Thread.sleep(300);
            try (InputStream body = response.body()) {
                assertEquals(ScriptedBackend.LARGE, body.readAllBytes().length);
            }
            String id = "127.0.0.1:" + backend.port();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (balancer.outcomes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // complete with its last byte (not cut by upstream.total.timeout.ms, 2.5 s here), and the connection reused
            assertEquals(List.of(id + " ok 200"), balancer.outcomes);
            assertEquals("{\"conn\":0,\"n\":1}", get(h1, "/items").body());
        }
    }

    @Test
    void malformedAnswerIsA502AndCountsAgainstTheBackend() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            HttpResponse<String> response = get(h1, "/bad");
            assertEquals(502, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"status\":502"), response.body());
            assertEquals(List.of("127.0.0.1:" + backend.port() + " failed"), balancer.outcomes);
            assertEquals(200, get(h1, "/items").statusCode());
        }
    }

    @Test
    void slowBackendTimesOutWith504AndTheRequestIsNotRepeated() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend()); ScriptedBackend other = new ScriptedBackend()) {
            balancer.add(other.port());
            HttpResponse<String> response = get(h2, "/slow");
            assertEquals(504, response.statusCode(), response.body());
            assertTrue(response.body().contains("upstream timed out"), response.body());
            long slowRequests = backend.heads.stream().filter(h -> h.startsWith("GET /slow ")).count()
                    + other.heads.stream().filter(h -> h.startsWith("GET /slow ")).count();
            assertEquals(1, slowRequests);
        }
    }

    @Test
    void requestsBeyondTheConnectionLimitWaitForAFreeConnection() throws Exception {
        try (ScriptedBackend backend = only(new ScriptedBackend())) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                responses.add((i % 2 == 0 ? h1 : h2).sendAsync(request("/pause").build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertEquals(200, response.get().statusCode(), response.get().body());
            }
            assertTrue(backend.connections.get() <= 2, "connections opened: " + backend.connections.get());
            assertEquals(8, balancer.outcomes.stream().filter(o -> o.endsWith(" ok 200")).count());
        }
    }

    @Test
    void http2BodyOfUnannouncedLengthIsForwardedWhole() throws Exception {
        try (TestBackend backend = new TestBackend("echo")) {
            FakeBalancer single = new FakeBalancer();
            single.add(backend.port());
            balancer = single;
            byte[] body = "x".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            HttpResponse<String> response = h2.send(request("/upload").POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(body))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"bytes\":20000"), response.body());
            assertFalse(response.body().contains("\"method\":\"GET\""), response.body());
        }
    }
}
