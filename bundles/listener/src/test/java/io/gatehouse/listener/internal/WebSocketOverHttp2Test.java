package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.http.Verdict;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket over HTTP/2 (RFC 8441) through the real listener: an HTTP/2 client opens a stream with an extended CONNECT
 * and the backend sees an ordinary HTTP/1.1 upgrade, made and checked by the gateway.
 */
class WebSocketOverHttp2Test {

    @TempDir
    static Path dir;

    static volatile FakeBalancer balancer = new FakeBalancer();
    static FilterChain chain = new FilterChain();
    static GatewayServer server;
    static HTTP2Client client;
    /** The path of every exchange that completed, in order (each test looks for its own: a late one is not counted). */
    static final List<String> completed = new CopyOnWriteArrayList<>();
    static final List<String> methods = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ListenerConfig config = Configs.config(Map.of("https_port", 0, "http_port", -1, "tls_watch_interval_seconds", 0,
                "static_routes", new String[0], "drain_timeout_ms", 500L));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        chain.add(new FilterEntry(exchange -> {
            methods.add(exchange.method() + " " + exchange.path());
            exchange.setResponseHeader("X-Frame-Options", "DENY");
            exchange.onComplete(() -> completed.add(exchange.path()));
            return Verdict.proceed();
        }, "headers", 100, 1, "test"));
        server = GatewayServer.start(config, tls, chain, () -> balancer, new GatewayMetrics(new MetricRegistry()), c -> null);
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(GatewayServerTest.trusting(tls.keyStore()));
        client = new HTTP2Client();
        client.start();
        clientTls = ssl;
        ssl.start();
    }

    static SslContextFactory.Client clientTls;

    @AfterAll
    static void stop() throws Exception {
        client.stop();
        server.stop();
    }

    /** One HTTP/2 stream's response and DATA, collected. */
    static final class Collected implements Stream.Listener {
        final CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void onHeaders(Stream stream, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Response r) {
                response.complete(r);
            }
            if (frame.isEndStream()) {
                ended.countDown();
            }
            stream.demand();
        }

        @Override
        public void onDataAvailable(Stream stream) {
            Stream.Data chunk = stream.readData();
            if (chunk == null) {
                stream.demand();
                return;
            }
            ByteBuffer bytes = chunk.frame().getByteBuffer();
            synchronized (data) {
                while (bytes.hasRemaining()) {
                    data.write(bytes.get());
                }
            }
            boolean last = chunk.frame().isEndStream();
            chunk.release();
            if (last) {
                ended.countDown();
            } else {
                stream.demand();
            }
        }

        @Override
        public void onReset(Stream stream, org.eclipse.jetty.http2.frames.ResetFrame frame, org.eclipse.jetty.util.Callback callback) {
            ended.countDown();
            callback.succeeded();
        }

        String text() {
            synchronized (data) {
                return data.toString(StandardCharsets.ISO_8859_1);
            }
        }

        void awaitText(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!text().equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(expected, text());
        }
    }

    static Session connect(CompletableFuture<Map<Integer, Integer>> settings) throws Exception {
        return client.connect(clientTls, new InetSocketAddress("127.0.0.1", server.httpsPort()), new Session.Listener() {
            @Override
            public void onSettings(Session session, SettingsFrame frame) {
                settings.complete(frame.getSettings());
            }
        }).get(10, TimeUnit.SECONDS);
    }

    static Stream open(Session session, String protocol, String path, Collected collected) throws Exception {
        HttpFields.Mutable fields = HttpFields.build().put("sec-websocket-version", "13").put("x-request-id", "ws-h2-1");
        MetaData.ConnectRequest connect = new MetaData.ConnectRequest(HttpScheme.HTTPS,
                new org.eclipse.jetty.http.HostPortHttpField("127.0.0.1:" + server.httpsPort()), path, fields, protocol);
        return session.newStream(new HeadersFrame(connect, null, false), collected).get(10, TimeUnit.SECONDS);
    }

    static void send(Stream stream, String text) throws Exception {
        stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), false))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void extendedConnectBecomesATunnelToAnHttp11Upgrade() throws Exception {
        try (UpgradeEchoBackend echo = new UpgradeEchoBackend()) {
            balancer = new FakeBalancer();
            balancer.add(echo.port());
            CompletableFuture<Map<Integer, Integer>> settings = new CompletableFuture<>();
            Session session = connect(settings);
            assertEquals(1, settings.get(10, TimeUnit.SECONDS).get(SettingsFrame.ENABLE_CONNECT_PROTOCOL),
                    "the listener announces RFC 8441");

            Collected collected = new Collected();
            Stream stream = open(session, "websocket", "/chat/h2?room=1", collected);
            MetaData.Response response = collected.response.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.getStatus());
            assertEquals("DENY", response.getHttpFields().get("X-Frame-Options"));
            assertEquals("ws-h2-1", response.getHttpFields().get("X-Request-Id"));
            // filters see the GET an HTTP/1.1 client would send (a method filter allowing GET lets both through)
            assertTrue(methods.contains("GET /chat/h2"), methods.toString());
            assertFalse(response.getHttpFields().contains("Sec-WebSocket-Accept"), response.getHttpFields().toString());
            assertFalse(response.getHttpFields().contains("Upgrade"), response.getHttpFields().toString());

            collected.awaitText("welcome");
            send(stream, "ping-h2");
            collected.awaitText("welcomeping-h2");
            String big = "y".repeat(200_000); // more than the HTTP/2 flow-control windows
            send(stream, big);
            collected.awaitText("welcomeping-h2" + big);

            String sent = echo.heads.get(0);
            assertTrue(sent.startsWith("GET /chat/h2?room=1 HTTP/1.1\r\n"), sent);
            assertTrue(sent.contains("Upgrade: websocket"), sent);
            assertTrue(sent.contains("Connection: Upgrade"), sent);
            assertTrue(sent.toLowerCase().contains("sec-websocket-version: 13"), sent);
            assertTrue(sent.contains("Sec-WebSocket-Key: "), sent);
            assertTrue(sent.contains("X-Forwarded-Proto: https"), sent);
            assertTrue(sent.contains("Host: 127.0.0.1:" + server.httpsPort()), sent);

            // the backend closes: the client's stream ends, and the exchange completes once
            send(stream, "bye");
            assertTrue(collected.ended.await(10, TimeUnit.SECONDS), "the stream ended after the backend closed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!completed.contains("/chat/h2") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, completed.stream().filter("/chat/h2"::equals).count(), completed.toString());
            assertEquals(1, balancer.outcomes.stream().filter(o -> o.endsWith("ok 101")).count(), balancer.outcomes.toString());

            // the session stays usable: another tunnel on the same connection
            Collected second = new Collected();
            Stream again = open(session, "websocket", "/chat/h2-again", second);
            assertEquals(200, second.response.get(10, TimeUnit.SECONDS).getStatus());
            second.awaitText("welcome");
            send(again, "hi");
            second.awaitText("welcomehi");
            session.close(0, "done", org.eclipse.jetty.util.Callback.NOOP);
        }
    }

    @Test
    void otherProtocolsAndBadBackendHandshakesAreRefused() throws Exception {
        try (UpgradeEchoBackend echo = new UpgradeEchoBackend()) {
            balancer = new FakeBalancer();
            balancer.add(echo.port());
            Session session = connect(new CompletableFuture<>());

            Collected other = new Collected();
            open(session, "connect-udp", "/masque", other);
            assertEquals(501, other.response.get(10, TimeUnit.SECONDS).getStatus());
            assertTrue(other.ended.await(10, TimeUnit.SECONDS));
            assertTrue(other.text().contains("connect-udp"), other.text());
            assertTrue(echo.heads.isEmpty(), "nothing reached the backend");

            echo.wrongAccept = true;
            Collected bad = new Collected();
            open(session, "websocket", "/chat/bad", bad);
            MetaData.Response response = bad.response.get(10, TimeUnit.SECONDS);
            assertEquals(502, response.getStatus());
            assertTrue(bad.ended.await(10, TimeUnit.SECONDS));
            assertTrue(bad.text().contains("upstream WebSocket handshake failed"), bad.text());
            assertEquals(1, balancer.outcomes.size(), balancer.outcomes.toString());
            assertTrue(balancer.outcomes.get(0).endsWith("failed"), "a backend answering the wrong accept counts as "
                    + "failed: " + balancer.outcomes);
            assertNotNull(response.getHttpFields().get("X-Request-Id"));
            session.close(0, "done", org.eclipse.jetty.util.Callback.NOOP);
        }
    }
}
