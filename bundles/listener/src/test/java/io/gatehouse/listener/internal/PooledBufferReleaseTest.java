package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.http.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every pooled buffer the gateway takes goes back to the pool, counted by Jetty's tracking pool over a real TLS
 * connection. Over HTTP/2 the gateway reads a request body's first chunk ahead, to learn whether there is a body; a
 * request answered before any try read that chunk (here: no backend, 503) must hand it back, or the connection's
 * network buffer it is a slice of never returns to the pool.
 */
class PooledBufferReleaseTest {

    @TempDir
    Path dir;

    @Test
    void requestBodiesAnsweredWithoutABackendGoBackToThePool() throws Exception {
        ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();
        ListenerConfig config = Configs.config(Map.of("https_port", 0, "http_port", -1,
                "static_routes", new String[0], "tls_watch_interval_seconds", 0));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        FakeBalancer noBackend = new FakeBalancer();
        // the request waits a little before it is proxied, so that its body's first chunk has arrived by then
        FilterChain chain = new FilterChain();
        chain.add(new FilterEntry(exchange -> Verdict.delay(100), "delay", 100, 1, "test"));
        GatewayServer server = GatewayServer.start(config, tls, chain, () -> noBackend,
                new GatewayMetrics(new MetricRegistry()), c -> null, pool);
        try {
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpClient client = HttpClient.newBuilder().sslContext(GatewayServerTest.trusting(tls.keyStore()))
                        .version(version).connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                    URI.create("https://127.0.0.1:" + server.httpsPort() + "/api/items"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                            // no length announced: over HTTP/2 the gateway learns of the body by reading ahead
                            .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(
                                    "{\"pad\":\"" + "x".repeat(8_000) + "\"}")))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(503, response.statusCode(), version + ": " + response.body());
                }
            }
        } finally {
            server.stop();
        }
        assertTrue(pool.getLeaks().isEmpty(), pool.getLeaks().size() + " buffer(s) never released:\n"
                + pool.dumpLeaks());
    }
}
