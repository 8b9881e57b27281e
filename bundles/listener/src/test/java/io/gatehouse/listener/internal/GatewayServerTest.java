package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.http.FixedHeader;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener as one real Jetty server on free ports, with real JDK backends and a stand-in balancer. */
class GatewayServerTest {

    @TempDir
    static Path dir;

    static TestBackend one;
    static TestBackend two;
    static FakeBalancer balancer = new FakeBalancer();
    static FilterChain chain = new FilterChain();
    static final FixedHeader FRAME_OPTIONS = new FixedHeader("X-Frame-Options", "DENY");
    static final FixedHeader FIXED = new FixedHeader("X-Fixed-Policy", "camera=(), geolocation=()");
    static MetricRegistry registry = new MetricRegistry();
    static GatewayServer server;
    static SSLContext trust;
    static HttpClient h1;
    static HttpClient h2;
    /** The balancer the tests start from; a test may put another in place, and {@link #afterEach} restores it. */
    static FakeBalancer both;
    static AtomicInteger started = new AtomicInteger();
    static AtomicInteger completions = new AtomicInteger();
    static final Map<String, AtomicInteger> completionsByPath = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        one = new TestBackend("one");
        two = new TestBackend("two");
        balancer.add(one.port());
        balancer.add(two.port());
        both = balancer;
        Path ui = Files.createDirectories(dir.resolve("web/ui"));
        Files.writeString(ui.resolve("index.html"), "<html>gatehouse ui</html>\n".repeat(40));
        Files.writeString(ui.resolve("app.js"), "console.log('hi');\n".repeat(100));
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(ui.resolve("app.js.gz")))) {
            gz.write(Files.readAllBytes(ui.resolve("app.js")));
        }
        Files.writeString(dir.resolve("web/secret.txt"), "outside the static root");
        Files.createSymbolicLink(ui.resolve("link.txt"), dir.resolve("web/secret.txt"));
        ListenerConfig config = Configs.config(Map.of(
                "https_port", 0, "http_port", 0, "redirect_port", 8443,
                "static_routes", new String[] {"/ui/=" + ui},
                "trusted_proxies", new String[] {"10.0.0.0/8"},
                "error_header_filters", new String[] {"headers"},
                "tls_watch_interval_seconds", 0));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        server = GatewayServer.start(config, tls, chain, () -> balancer, new GatewayMetrics(registry), c -> null);
        trust = trusting(tls.keyStore());
        h1 = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        h2 = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        chain.add(new FilterEntry(exchange -> {
            // fixed at configuration time (kept encoded by the listener): a header Jetty knows, and one it does not
            exchange.setResponseHeader(FRAME_OPTIONS);
            exchange.setResponseHeader(FIXED);
            if ("https".equals(exchange.scheme())) {
                exchange.setResponseHeader("Strict-Transport-Security", "max-age=60");
            }
            String path = exchange.path();
            started.incrementAndGet();
            exchange.onComplete(() -> {
                completions.incrementAndGet();
                completionsByPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            });
            if (exchange.path().startsWith("/forbidden")) {
                return Verdict.reject(403, "forbidden here").withHeader("X-Why", "test");
            }
            if (exchange.path().startsWith("/slow")) {
                return Verdict.delay(200);
            }
            return Verdict.proceed();
        }, "headers", 100, 1, "test"));
    }

    /** Every exchange a test started has ended before the next test counts its own; the balancer is the first one. */
    @AfterEach
    void afterEach() {
        awaitCompletions(started.get());
        balancer = both;
    }

    @AfterAll
    static void stop() {
        server.stop();
        one.close();
        two.close();
    }

    static SSLContext trusting(KeyStore keyStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        String alias = keyStore.aliases().nextElement();
        trusted.setCertificateEntry("gatehouse", keyStore.getCertificate(alias));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Waits (bounded) until {@code count} exchanges have completed, so the next test counts only its own. */
    static void awaitCompletions(int count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (completions.get() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    static URI https(String path) {
        return URI.create("https://127.0.0.1:" + server.httpsPort() + path);
    }

    static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void proxiesToEveryBackendWithForwardedHeadersAndRequestId() throws Exception {
        int before = one.hits.get() + two.hits.get();
        HttpResponse<String> a = get(h1, "/api/x?y=1");
        HttpResponse<String> b = get(h1, "/api/x?y=1", "X-Request-Id", "client-id-42");
        assertEquals(200, a.statusCode());
        assertEquals(200, b.statusCode());
        assertNotEquals(a.body().contains("\"one\""), b.body().contains("\"one\""), a.body() + " / " + b.body());
        assertTrue(a.body().contains("\"path\":\"/api/x?y=1\""), a.body());
        assertEquals(before + 2, one.hits.get() + two.hits.get());
        assertEquals("client-id-42", b.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals(32, a.headers().firstValue("X-Request-Id").orElseThrow().length());
        assertEquals("DENY", a.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals(List.of("camera=(), geolocation=()"), a.headers().allValues("X-Fixed-Policy"));
        assertTrue(a.headers().firstValue("X-Secret-Hop").isEmpty(), "Connection-listed header must be stripped");
        assertTrue(a.headers().firstValue("Server").isEmpty(), "no Server header");
        var seen = (one.requestHeaders.isEmpty() ? two : one).requestHeaders;
        var upstream = seen.get(seen.size() - 1);
        assertEquals(List.of("127.0.0.1"), upstream.get("X-forwarded-for"));
        assertEquals(List.of("https"), upstream.get("X-forwarded-proto"));
        assertTrue(upstream.get("X-request-id").get(0).length() > 0);
    }

    @Test
    void untrustedPeerCannotSpoofForwardedFor() throws Exception {
        get(h1, "/api/spoof", "X-Forwarded-For", "6.6.6.6");
        TestBackend last = one.requestHeaders.size() >= two.requestHeaders.size() ? one : two;
        boolean sawSpoof = one.requestHeaders.stream().anyMatch(h -> String.valueOf(h.get("X-forwarded-for")).contains("6.6.6.6"))
                || two.requestHeaders.stream().anyMatch(h -> String.valueOf(h.get("X-forwarded-for")).contains("6.6.6.6"));
        assertFalse(sawSpoof, "X-Forwarded-For from an untrusted peer must be replaced");
        assertTrue(last.hits.get() > 0);
    }

    @Test
    void http2Works() throws Exception {
        HttpResponse<String> response = get(h2, "/api/h2");
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertEquals(200, response.statusCode());
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals(List.of("camera=(), geolocation=()"), response.headers().allValues("X-Fixed-Policy"));
        // twice on one connection: the second response's HPACK refers to what the first one added to the table
        HttpResponse<String> again = get(h2, "/api/h2");
        assertEquals(List.of("camera=(), geolocation=()"), again.headers().allValues("X-Fixed-Policy"));
        assertEquals(List.of("DENY"), again.headers().allValues("X-Frame-Options"));
    }

    @Test
    void plainHttpRedirectsKeepingPathAndQuery() throws Exception {
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> get = plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/a/b?c=d&e")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(301, get.statusCode());
        assertEquals("https://127.0.0.1:8443/a/b?c=d&e", get.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> post = plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/form")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(308, post.statusCode());
    }

    @Test
    void rejectionCarriesJsonFilterHeadersAndRunsCompletionOnce() throws Exception {
        HttpResponse<String> response = get(h1, "/forbidden/thing-once");
        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("\"error\":\"forbidden here\""), response.body());
        assertEquals("test", response.headers().firstValue("X-Why").orElseThrow());
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!completionsByPath.containsKey("/forbidden/thing-once") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Thread.sleep(100); // a second completion, if there were one, would follow at once
        assertEquals(1, completionsByPath.get("/forbidden/thing-once").get());
    }

    /** A body of {@code size} bytes sent 300 ms after the headers, so the filters run before any of it arrives. */
    static HttpRequest.BodyPublisher lateBody(int size) {
        if (size == 0) {
            return HttpRequest.BodyPublishers.noBody();
        }
        Flow.Publisher<ByteBuffer> late = subscriber -> subscriber.onSubscribe(
                new Flow.Subscription() {
                    private final AtomicBoolean sent = new AtomicBoolean();

                    @Override
                    public void request(long n) {
                        if (sent.compareAndSet(false, true)) {
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)
                                    .execute(() -> {
                                        subscriber.onNext(ByteBuffer.wrap("x".repeat(size).getBytes()));
                                        subscriber.onComplete();
                                    });
                        }
                    }

                    @Override
                    public void cancel() {
                    }
                });
        return HttpRequest.BodyPublishers.fromPublisher(late, size);
    }

    @Test
    void refusedPostGetsItsAnswerOverBothProtocols() throws Exception {
        // a filter refuses before any of the body has arrived: the client still gets the answer, not a reset
        // stream, over HTTP/2 as over HTTP/1.1
        int completed = completions.get();
        for (HttpClient client : new HttpClient[] {h2, h1}) {
            for (int size : new int[] {0, 20, 60_000}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(https("/forbidden/post"))
                        .timeout(Duration.ofSeconds(10)).POST(lateBody(size))
                        .header("Content-Type", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, response.statusCode(), client.version() + " " + size);
                assertTrue(response.body().contains("\"error\":\"forbidden here\""), response.body());
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (completions.get() < completed + 6 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Test
    void refusedLargeUploadGetsItsAnswerAndNotAReset() throws Exception {
        // the client is still sending when the answer goes out: the rest of its body is read and discarded before
        // the connection closes (lingering close), else the reset for its unread bytes can take the answer with it
        byte[] upload = new byte[16 * 1024 * 1024];
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = h1.send(HttpRequest.newBuilder(https("/forbidden/upload"))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"error\":\"forbidden here\""), response.body());
        }
    }

    @Test
    void delayedRequestStillArrives() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(h1, "/slow/x");
        assertEquals(200, response.statusCode());
        assertTrue(System.nanoTime() - start >= 190_000_000L, "the delay verdict is honoured");
        assertEquals(1, chain.entries()[0].delayed() >= 1 ? 1 : 0);
    }

    @Test
    void postIsProxiedWithStreamedBody() throws Exception {
        String body = "x".repeat(300_000);
        HttpResponse<String> response = h1.send(HttpRequest.newBuilder(https("/api/upload"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"bytes\":300000"), response.body());
    }

    @Test
    void expectContinueIsMetByTheGatewayAndNotForwarded() throws Exception {
        FakeBalancer only = new FakeBalancer();
        only.add(one.port());
        balancer = only;
        for (HttpClient client : new HttpClient[] {h1, h2}) {
            int seen = one.requestHeaders.size();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(https("/api/expect"))
                    .timeout(Duration.ofSeconds(10)).expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(5000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), client.version().toString());
            assertTrue(response.body().contains("\"bytes\":5000"), response.body());
            Map<String, List<String>> upstream = one.requestHeaders.get(seen);
            assertFalse(upstream.containsKey("Expect"), upstream.toString());
        }
    }

    @Test
    void staticFilesHaveEtagConditionalGetRangeAndCompression() throws Exception {
        HttpResponse<String> first = get(h1, "/ui/index.html");
        assertEquals(200, first.statusCode());
        assertTrue(first.body().contains("gatehouse ui"));
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("DENY", first.headers().firstValue("X-Frame-Options").orElseThrow());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(first.headers().firstValue("Last-Modified").isPresent());
        assertEquals(304, get(h1, "/ui/index.html", "If-None-Match", etag).statusCode());
        HttpResponse<String> range = get(h1, "/ui/index.html", "Range", "bytes=0-5");
        assertEquals(206, range.statusCode());
        assertEquals("<html>", range.body());
        HttpResponse<byte[]> gz = h1.send(HttpRequest.newBuilder(https("/ui/app.js")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("public, max-age=3600", gz.headers().firstValue("Cache-Control").orElseThrow());
        HttpResponse<byte[]> html = h1.send(HttpRequest.newBuilder(https("/ui/index.html")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", html.headers().firstValue("Content-Encoding").orElseThrow(), "text is gzipped on the fly");
        assertEquals(404, get(h1, "/ui/missing.txt").statusCode());
    }

    @Test
    void staticNeverServesOutsideItsDirectory() throws Exception {
        for (String attack : List.of("/ui/../secret.txt", "/ui/%2e%2e/secret.txt", "/ui/..%2fsecret.txt",
                "/ui/%2e%2e%2fsecret.txt", "/ui/....//secret.txt", "/ui/.%2e/secret.txt", "/ui/%252e%252e/secret.txt",
                "/ui/link.txt", "/ui/%5c..%5csecret.txt", "/ui/..;/secret.txt")) {
            String response = raw("GET " + attack + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertFalse(response.contains("outside the static root"), attack + " -> " + response);
        }
    }

    @Test
    void malformedRequestsGet400AndTheListenerStaysUp() throws Exception {
        String bad = raw("GARBAGE\r\n\r\n");
        assertTrue(bad.startsWith("HTTP/1.1 400"), bad);
        String hugeHeader = raw("GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertTrue(hugeHeader.startsWith("HTTP/1.1 431"), hugeHeader);
        StringBuilder many = new StringBuilder("GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (int i = 0; i < 150; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        String tooMany = raw(many.append("\r\n").toString());
        assertTrue(tooMany.startsWith("HTTP/1.1 431"), "[" + tooMany + "]");
        assertFalse(bad.toLowerCase().contains("server: jetty"), bad);
        String badHeaderLine = raw("GET /api HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n");
        String uri = raw("GET /" + "u".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        for (String response : List.of(bad, hugeHeader, tooMany, badHeaderLine, uri)) {
            // the error answers Jetty gives before any filter ran carry the filters' headers and a request id too
            assertTrue(response.contains("X-Frame-Options: DENY"), response);
            assertTrue(response.contains("X-Fixed-Policy: camera=(), geolocation=()\r\n"), response);
            assertTrue(response.contains("Strict-Transport-Security: max-age=60"), response);
            assertTrue(response.matches("(?s).*X-Request-Id: [0-9a-f]{32}\r\n.*"), response);
            assertTrue(response.contains("application/json"), response);
        }
        assertEquals(200, get(h1, "/api/after-garbage").statusCode());
        // the filter saw stand-ins for the requests that never became exchanges: their completion actions ran too
        awaitCompletions(started.get());
        assertEquals(started.get(), completions.get(), "every completion action a filter registered ran");
    }

    @Test
    void deadBackendGets502JsonAndIdempotentRequestRetriesElsewhere() throws Exception {
        FakeBalancer broken = new FakeBalancer();
        int deadPort = TestPorts.unused();
        broken.add(deadPort);
        balancer = broken;
        HttpResponse<String> response = get(h1, "/api/dead");
        assertEquals(502, response.statusCode());
        assertTrue(response.body().contains("\"status\":502"), response.body());
        assertTrue(broken.outcomes.stream().allMatch(o -> o.endsWith("failed")), broken.outcomes.toString());
        broken.add(one.port());
        for (int i = 0; i < 4; i++) {
            assertEquals(200, get(h1, "/api/retry").statusCode(), "retried on the live backend");
        }
        assertTrue(broken.outcomes.stream().noneMatch(o -> o.contains("TWICE")), broken.outcomes.toString());
    }

    @Test
    void backendDyingMidResponseIsRetriedElsewhereForIdempotentRequestsOnly() throws Exception {
        FakeBalancer pair = new FakeBalancer();
        try (DyingBackend dying = new DyingBackend(DyingBackend.Body.LENGTH);
                DyingBackend dyingChunked = new DyingBackend(DyingBackend.Body.CHUNKED)) {
            pair.add(dying.port());
            pair.add(one.port());
            pair.add(dyingChunked.port());
            balancer = pair;
            // the dying backends answer first two requests out of three: their half responses (of known length, or
            // chunked) never reach the client, which gets the whole answer of the other backend
            for (int i = 0; i < 4; i++) {
                for (HttpClient client : new HttpClient[] {h1, h2}) {
                    HttpResponse<String> response = get(client, "/api/items?page=" + i);
                    assertEquals(200, response.statusCode(), client.version() + " " + response.body());
                    assertTrue(response.body().contains("\"backend\":\"one\""), response.body());
                    assertFalse(response.body().contains("partial"), response.body());
                    assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""));
                    assertEquals(1, response.headers().allValues("X-Frame-Options").size(), response.headers().toString());
                }
            }
            assertTrue(dying.requests.get() >= 2, "the dying backend was tried: " + dying.requests);
            assertTrue(dyingChunked.requests.get() >= 2, "the chunked dying backend was tried: " + dyingChunked.requests);
            assertTrue(pair.outcomes.contains("127.0.0.1:" + dying.port() + " failed"), pair.outcomes.toString());
            assertTrue(pair.outcomes.contains("127.0.0.1:" + dyingChunked.port() + " failed"), pair.outcomes.toString());
            assertTrue(pair.outcomes.stream().noneMatch(o -> o.contains("TWICE")), pair.outcomes.toString());

            // a POST that reached the dying backend is never sent twice: its client gets a 502
            FakeBalancer only = new FakeBalancer();
            only.add(dying.port());
            only.add(one.port());
            balancer = only;
            int before = dying.requests.get();
            HttpResponse<String> post = h1.send(HttpRequest.newBuilder(https("/api/orders"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, post.statusCode(), post.body());
            assertTrue(post.body().contains("\"status\":502"), post.body());
            assertEquals(before + 1, dying.requests.get());
            assertEquals(List.of("127.0.0.1:" + dying.port() + " failed"), only.outcomes);
        }
    }

    @Test
    void chunkedResponsesArriveWholeHeldWhenSmallStreamedWhenLarge() throws Exception {
        // 5,000 bytes fit upstream.buffer.bytes (held, sent with a Content-Length); 300,000 do not (streamed)
        for (int size : new int[] {5_000, 300_000}) {
            for (HttpClient client : new HttpClient[] {h1, h2}) {
                HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(https("/big/" + size))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                byte[] body = response.body();
                assertEquals(size, body.length, size + " over " + client.version());
                for (int i = 0; i < body.length; i++) {
                    if (body[i] != TestBackend.pattern(i)) {
                        throw new AssertionError("byte " + i + " of " + size + " over " + client.version());
                    }
                }
                if (size == 5_000) {
                    assertEquals("5000", response.headers().firstValue("Content-Length").orElse(""), client.version()
                            + " " + response.headers());
                }
                assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""));
            }
        }
    }

    @Test
    void eventStreamsAndUnbufferedResponsesAreStreamedNotHeld() throws Exception {
        for (DyingBackend.Body kind : new DyingBackend.Body[] {DyingBackend.Body.EVENTS, DyingBackend.Body.UNBUFFERED}) {
            try (DyingBackend stream = new DyingBackend(kind)) {
                FakeBalancer only = new FakeBalancer();
                only.add(stream.port());
                balancer = only;
                // the first bytes reach the client while the backend still holds the response open
                HttpResponse<InputStream> response = h1.send(HttpRequest.newBuilder(https("/events"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, response.statusCode());
                assertTrue(response.headers().firstValue("X-Accel-Buffering").isEmpty(), kind + ": the gateway's "
                        + "instruction is not relayed: " + response.headers());
                try (InputStream body = response.body()) {
                    assertEquals("first\n", new String(body.readNBytes(6), StandardCharsets.US_ASCII), kind.name());
                    stream.release();
                    assertThrows(IOException.class, () -> body.readAllBytes(), kind + ": the cut stream is not completed");
                }
            }
        }
    }

    @Test
    void postRefusedByADeadBackendIsRetriedWithItsWholeBodyAndFailsNoOtherBackend() throws Exception {
        FakeBalancer pair = new FakeBalancer();
        int deadPort = TestPorts.unused();
        pair.add(deadPort);
        pair.add(one.port());
        balancer = pair;
        String body = "{\"order\":\"" + "z".repeat(20_000) + "\"}";
        for (HttpClient client : new HttpClient[] {h1, h2}) {
            pair.outcomes.clear();
            // the dead backend is tried first: the connection is refused, so not a byte of the request went out
            // and it goes to the live backend, body and all
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(https("/api/orders"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), client.version() + " " + response.body());
            assertTrue(response.body().contains("\"bytes\":" + body.length()), response.body());
            assertEquals(body, one.lastBody.get("body"));
            assertEquals(List.of("127.0.0.1:" + deadPort + " failed", "127.0.0.1:" + one.port() + " ok 200"),
                    pair.outcomes, client.version() + ": the live backend must not be blamed for the dead one");
        }
    }

    @Test
    void clientHangingUpMidUploadDoesNotCountAgainstTheBackend() throws Exception {
        FakeBalancer only = new FakeBalancer();
        only.add(one.port());
        balancer = only;
        int completed = completions.get();
        int hits = one.hits.get();
        try (SSLSocket socket = http11Socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n" + "x".repeat(20_000)).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (one.hits.get() == hits && System.nanoTime() < deadline) {
                Thread.sleep(10); // until the upload is under way to the backend
            }
        } // hangs up with 80,000 bytes of the body never sent
        awaitCompletions(completed + 1);
        assertEquals(completed + 1, completions.get(), "the exchange ended");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (only.outcomes.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(only.outcomes.stream().noneMatch(o -> o.contains("failed")), "the backend is not blamed for "
                + "the client's hang-up: " + only.outcomes);
        assertEquals(List.of("127.0.0.1:" + one.port() + " ok 499"), only.outcomes);
    }

    @Test
    void backendAnswersPassThroughAsTheyAreWithoutFailingTheBackend() throws Exception {
        FakeBalancer only = new FakeBalancer();
        only.add(one.port());
        balancer = only;
        // a 401 or 407 without a challenge, and a redirect, are the backend's answers to relay, not upstream
        // failures: the client gets them untouched and the backend is not marked as failed
        for (String code : new String[] {"401", "407", "302", "404", "500"}) {
            for (HttpClient client : new HttpClient[] {h1, h2}) {
                HttpResponse<String> response;
                try {
                    response = get(client, "/status/" + code);
                } catch (IOException e) {
                    throw new AssertionError(code + " over " + client.version() + ": " + e, e);
                }
                assertEquals(Integer.parseInt(code), response.statusCode(), code + " " + client.version());
                assertTrue(response.body().contains("\"path\":\"/status/" + code + "\""), response.body());
            }
        }
        assertEquals("/elsewhere", get(h1, "/status/302").headers().firstValue("Location").orElse(""));
        assertTrue(only.outcomes.stream().noneMatch(o -> o.contains("failed")), only.outcomes.toString());
    }

    @Test
    void certificateRotatesForNewConnectionsAndInvalidOneKeepsThePrevious() throws Exception {
        TlsMaterial before = server.certificates.current();
        Path otherEtc = Files.createDirectories(dir.resolve("other-etc"));
        TlsMaterial rotated = TlsMaterial.selfSigned(otherEtc);
        assertTrue(server.certificates.apply(rotated));
        HttpClient trustsNew = HttpClient.newBuilder().sslContext(trusting(rotated.keyStore())).build();
        assertEquals(200, trustsNew.send(HttpRequest.newBuilder(https("/api/rotated")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertTrue(server.certificates.apply(before));
        Path broken = Files.writeString(dir.resolve("broken.p12"), "junk");
        ListenerConfig bad = Configs.config(Map.of("tls_keystore", broken.toString(), "tls_keystore_password", "x"));
        assertThrows(TlsMaterial.TlsException.class, () -> TlsMaterial.load(bad, dir));
        assertEquals(before, server.certificates.current());
        HttpClient fresh = HttpClient.newBuilder().sslContext(trust).build();
        assertEquals(200, fresh.send(HttpRequest.newBuilder(https("/api/still")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /** An upgraded socket: the 101 head was read, {@code in} continues with the tunnel's bytes. */
    record Upgraded(SSLSocket socket, String head, InputStream in) implements AutoCloseable {
        String read(int bytes) throws IOException {
            return new String(in.readNBytes(bytes), StandardCharsets.ISO_8859_1);
        }

        void write(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A TLS socket to the listener that offers only http/1.1 (ALPN), with a 10 s read timeout. */
    static SSLSocket http11Socket() throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.httpsPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static Upgraded upgrade(String path) throws Exception {
        SSLSocket socket = http11Socket();
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nX-Request-Id: ws-test-1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return new Upgraded(socket, head.toString(StandardCharsets.ISO_8859_1), in);
    }

    @Test
    void webSocketUpgradeBecomesATunnelBothWaysAndClosesBothSides() throws Exception {
        try (UpgradeEchoBackend echo = new UpgradeEchoBackend()) {
            FakeBalancer ws = new FakeBalancer();
            ws.add(echo.port());
            balancer = ws;
            int completed = completions.get();
            try (Upgraded client = upgrade("/chat/room?x=1")) {
                assertTrue(client.head().startsWith("HTTP/1.1 101"), client.head());
                assertTrue(client.head().contains("X-Frame-Options: DENY"), client.head());
                assertTrue(client.head().contains("X-Request-Id: ws-test-1"), client.head());
                assertTrue(client.head().contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), client.head());
                assertFalse(client.head().contains("backend/1.0"), client.head());
                assertEquals("welcome", client.read(7), "bytes the backend sent right after its 101");
                client.write("ping-1");
                assertEquals("ping-1", client.read(6));
                client.write("x".repeat(100_000));
                assertEquals("x".repeat(100_000), client.read(100_000));
                String sent = echo.heads.get(0);
                assertTrue(sent.startsWith("GET /chat/room?x=1 HTTP/1.1\r\n"), sent);
                assertTrue(sent.contains("Upgrade: websocket"), sent);
                assertTrue(sent.contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), sent);
                assertTrue(sent.contains("X-Forwarded-Proto: https"), sent);
                assertTrue(sent.contains("X-Request-Id: ws-test-1"), sent);
                // the backend closes: the client's side closes too
                client.write("bye");
                assertEquals(-1, client.in().read(), "client side closed after the backend closed");
            }
            // the client closes: the backend's side closes too (counted from once the first tunnel's end is counted)
            long firstEnd = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (echo.ended.get() < 1 && System.nanoTime() < firstEnd) {
                Thread.sleep(20);
            }
            int ended = echo.ended.get();
            assertEquals(1, ended, "the backend's side of the first tunnel ended");
            try (Upgraded client = upgrade("/chat/other")) {
                client.read(7);
                client.write("hi");
                assertEquals("hi", client.read(2));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (echo.ended.get() == ended && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(ended + 1, echo.ended.get(), "backend side closed after the client closed");
            // each tunnel's exchange completes once, when the tunnel closes
            while (completions.get() < completed + 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(completed + 2, completions.get());
            assertEquals(2, ws.outcomes.size(), ws.outcomes.toString());
            assertTrue(ws.outcomes.stream().allMatch(o -> o.endsWith("ok 101")), ws.outcomes.toString());
        }
    }

    @Test
    void requestMetricsAreLabelledByRouteNeverByPath() throws Exception {
        long proxied = registry.meter("gatehouse.gateway.route.requests{route=\"proxy\",status=\"2xx\"}").getCount();
        long ui = registry.meter("gatehouse.gateway.route.requests{route=\"/ui/\",status=\"2xx\"}").getCount();
        long all = registry.meter("gatehouse.gateway.requests{status=\"2xx\"}").getCount();
        assertEquals(200, get(h1, "/api/metrics/" + System.nanoTime()).statusCode());
        assertEquals(200, get(h1, "/ui/index.html").statusCode());
        assertEquals(403, get(h1, "/forbidden/x").statusCode());
        assertEquals(proxied + 1, registry.meter("gatehouse.gateway.route.requests{route=\"proxy\",status=\"2xx\"}").getCount());
        assertEquals(ui + 1, registry.meter("gatehouse.gateway.route.requests{route=\"/ui/\",status=\"2xx\"}").getCount());
        assertEquals(all + 2, registry.meter("gatehouse.gateway.requests{status=\"2xx\"}").getCount(), "the unlabelled series still counts");
        assertTrue(registry.timer("gatehouse.gateway.route.latency{route=\"proxy\"}").getCount() > 0);
        assertTrue(registry.getNames().stream().filter(n -> n.startsWith("gatehouse.gateway.route."))
                .allMatch(n -> n.contains("route=\"proxy\"") || n.contains("route=\"/ui/\"")), registry.getNames().toString());
    }

    @Test
    void nonWebSocketUpgradeGets501() throws Exception {
        String response = raw("GET /api HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "HTTP2-Settings: AAMAAABkAAQAAP__\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 501"), response);
    }

    static String raw(String request) throws Exception {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.httpsPort())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && !request.contains("Connection: close")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // closed by the server after an error response; with nothing read, there was no response to read
                if (out.size() == 0) {
                    throw new AssertionError("the listener answered nothing to " + request.lines().findFirst().orElse("")
                            + ": " + e, e);
                }
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (SSLHandshakeException e) {
            throw new AssertionError("handshake failed", e);
        }
    }
}
