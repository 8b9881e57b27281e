package io.gatehouse.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Hashtable;
import java.util.Map;
import com.codahale.metrics.MetricRegistry;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.alpn.java.client.JDK9ClientALPNProcessor;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.hpack.HpackFieldPreEncoder;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The public listener in the real distribution: HTTPS with the generated certificate (trusted by loading it, never by
 * turning verification off), HTTP/2, the HTTP redirect, TLS 1.1 refused, static files, malformed requests and a bad
 * certificate configuration that leaves the previous certificate serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayIT {

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private MetricRegistry registry;

    @Configuration
    public Option[] config() {
        int https = GatehouseOptions.freePort();
        int http = GatehouseOptions.freePort();
        int one = GatehouseOptions.freePort();
        int two = GatehouseOptions.freePort();
        return GatehouseOptions.gatehouse(
                features(GatehouseOptions.featuresRepository(), "gatehouse-gateway"),
                editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "backends",
                        "127.0.0.1:" + one + " max_fails=1 fail_timeout=30s, 127.0.0.1:" + two + " max_fails=1 fail_timeout=30s"),
                editConfigurationFilePut("etc/io.gatehouse.balancer.cfg", "health.enabled", "false"),
                GatehouseOptions.port("backend1", one),
                GatehouseOptions.port("backend2", two),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "https.port", String.valueOf(https)),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "http.port", String.valueOf(http)),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "tls.watch.interval.seconds", "1"),
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "websocket.idle.timeout.ms", "2000"),
                // the test client plays a trusted proxy: its X-Forwarded-For names the client
                editConfigurationFilePut("etc/io.gatehouse.listener.cfg", "trusted.proxies", "127.0.0.1/32"),
                GatehouseOptions.port("https", https),
                GatehouseOptions.port("redirect", http),
                http2Client());
    }

    /**
     * Jetty 12's HTTP/2 client, as bundles beside the probe: the test's client for WebSocket over HTTP/2. The listener
     * keeps its own Jetty 12 private, so these bundles serve the probe only.
     */
    private static Option http2Client() {
        return composite(
                mavenBundle("org.eclipse.jetty", "jetty-util").versionAsInProject(),
                mavenBundle("org.eclipse.jetty", "jetty-io").versionAsInProject(),
                mavenBundle("org.eclipse.jetty", "jetty-http").versionAsInProject(),
                mavenBundle("org.eclipse.jetty", "jetty-alpn-client").versionAsInProject(),
                mavenBundle("org.eclipse.jetty", "jetty-alpn-java-client").versionAsInProject(),
                mavenBundle("org.eclipse.jetty.http2", "jetty-http2-hpack").versionAsInProject(),
                mavenBundle("org.eclipse.jetty.http2", "jetty-http2-common").versionAsInProject(),
                mavenBundle("org.eclipse.jetty.http2", "jetty-http2-client").versionAsInProject());
    }

    /**
     * The probe imports the Jetty packages it uses from Jetty 12 explicitly: pax-web's Jetty 9.4 exports packages of
     * the same names, which the probe's dynamic import could otherwise pick.
     */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        List<String> packages = List.of("org.eclipse.jetty.alpn.java.client", "org.eclipse.jetty.http",
                "org.eclipse.jetty.http2", "org.eclipse.jetty.http2.api", "org.eclipse.jetty.http2.client",
                "org.eclipse.jetty.http2.frames", "org.eclipse.jetty.http2.hpack", "org.eclipse.jetty.io",
                "org.eclipse.jetty.util", "org.eclipse.jetty.util.component", "org.eclipse.jetty.util.ssl",
                "org.eclipse.jetty.util.thread");
        // optional: Pax Exam hands every test class the same probe builder, so these headers stay on the probes of the
        // classes that run after this one, whose containers have no Jetty 12 client bundles
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                packages.stream().map(p -> p + ";version=\"[12.1,13)\";resolution:=optional").toList()));
        return probe;
    }

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc"));
    }

    /** The generated certificate, loaded from the keystore the listener wrote (waits for the first start). */
    /** The certificate the listener generated on its first start (waits for it). */
    private static ListenerCertificate listenerCertificate() throws Exception {
        return ListenerCertificate.await(etc(), Duration.ofSeconds(90));
    }

    private static URI https(String path) {
        return URI.create("https://127.0.0.1:" + GatehouseOptions.port("https") + path);
    }

    private HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder().sslContext(listenerCertificate().sslContext()).version(version)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Polls until the listener answers (it starts asynchronously after the feature installs). */
    private HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    public void http2AndStaticFilesWithEtagConditionalGetAndRange() throws Exception {
        HttpClient h2 = client(HttpClient.Version.HTTP_2);
        HttpResponse<String> page = send(h2, HttpRequest.newBuilder(https("/ui/index.html")).build());
        assertEquals(page.body(), 200, page.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, page.version());
        assertTrue(page.body().contains("Gatehouse"));
        assertFalse("no Server header", page.headers().firstValue("Server").isPresent());
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, send(h2, HttpRequest.newBuilder(https("/ui/index.html")).header("If-None-Match", etag).build()).statusCode());
        HttpResponse<String> range = send(h2, HttpRequest.newBuilder(https("/ui/index.html")).header("Range", "bytes=0-8").build());
        assertEquals(206, range.statusCode());
        assertEquals(9, range.body().length());
    }

    @Test
    public void plainHttpRedirectsToHttps() throws Exception {
        listenerCertificate();
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> response = send(plain, HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + GatehouseOptions.port("redirect") + "/health?x=1")).build());
        assertEquals(301, response.statusCode());
        assertEquals("https://127.0.0.1:" + GatehouseOptions.port("https") + "/health?x=1",
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    public void tls11IsRefusedAndTls12Accepted() throws Exception {
        SSLContext context = listenerCertificate().sslContext();
        send(client(HttpClient.Version.HTTP_1_1), HttpRequest.newBuilder(https("/ui/")).build());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", GatehouseOptions.port("https"))) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            socket.startHandshake();
            fail("a TLS 1.1 handshake must fail");
        } catch (IOException expected) {
            // refused by the server (or by the client JVM's own policy: either way no TLS 1.1 session exists)
        }
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", GatehouseOptions.port("https"))) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
    }

    @Test
    public void malformedRequestsGet400AndTheListenerStaysUp() throws Exception {
        HttpClient h1 = client(HttpClient.Version.HTTP_1_1);
        send(h1, HttpRequest.newBuilder(https("/ui/")).build());
        String response = raw("GARBAGE\r\n\r\n");
        assertTrue(response, response.startsWith("HTTP/1.1 400"));
        String badHeader = raw("GET /x HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n");
        assertTrue(badHeader, badHeader.startsWith("HTTP/1.1 400"));
        assertTrue(badHeader, badHeader.contains("application/json"));
        String header = raw("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertTrue(header, header.startsWith("HTTP/1.1 431"));
        for (String early : List.of(response, badHeader, header)) {
            // answered by Jetty before any filter ran, yet with the security headers and a request id
            String lower = early.toLowerCase(java.util.Locale.ROOT);
            for (String name : List.of("strict-transport-security:", "content-security-policy:", "x-frame-options:",
                    "x-content-type-options:", "referrer-policy:", "x-request-id:")) {
                assertTrue(name + " on " + early, lower.contains("\r\n" + name));
            }
        }
        assertEquals(200, send(h1, HttpRequest.newBuilder(https("/ui/")).build()).statusCode());
    }

    /**
     * Through the real balancer: every backend is reached; a backend killed mid-load loses no GET (retried on the
     * other one); with both dead the answer is a 502 JSON; the listener then recovers.
     */
    @Test
    public void requestsReachEveryBackendAndSurviveABackendDying() throws Exception {
        TestBackendServer one = new TestBackendServer(GatehouseOptions.port("backend1"));
        TestBackendServer two = new TestBackendServer(GatehouseOptions.port("backend2"));
        one.start();
        two.start();
        try {
            HttpClient h2 = client(HttpClient.Version.HTTP_2);
            java.util.Set<String> seen = new java.util.HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                HttpResponse<String> response = send(h2, HttpRequest.newBuilder(https("/echo/who?n=1")).build());
                if (response.statusCode() == 200) {
                    seen.add(response.body());
                    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
                }
            }
            assertTrue("both backends answered: " + seen, seen.contains("{\"backend\":\"" + one.id() + "\"}")
                    && seen.contains("{\"backend\":\"" + two.id() + "\"}"));
            // route-labelled metrics beside the unlabelled ones: the proxy route, never the raw path
            assertTrue(registry.meter("gatehouse.gateway.route.requests{route=\"proxy\",status=\"2xx\"}").getCount() >= 2);
            assertTrue(registry.timer("gatehouse.gateway.route.latency{route=\"proxy\"}").getCount() >= 2);
            assertTrue(registry.meter("gatehouse.gateway.requests{status=\"2xx\"}").getCount() >= 2);
            assertFalse(registry.getNames().toString(), registry.getNames().stream().anyMatch(n -> n.contains("/echo")));

            one.stop();
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> response = send(h2, HttpRequest.newBuilder(https("/echo/after-kill/" + i)).build());
                assertEquals("GET " + i + " after a backend died: " + response.body(), 200, response.statusCode());
                assertTrue(response.body(), response.body().contains(two.id()));
            }

            two.stop();
            HttpResponse<String> dead = send(h2, HttpRequest.newBuilder(https("/echo/all-dead")).build());
            // the last live backend fails this request, the other is already marked down: the upstream failed
            assertEquals(dead.body(), 502, dead.statusCode());
            assertTrue(dead.body(), dead.body().contains("\"status\":502"));
            assertTrue(dead.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        } finally {
            one.stop();
            two.stop();
        }
    }

    @Test
    public void edgeFiltersAnswerOverHttps() throws Exception {
        TestBackendServer one = new TestBackendServer(GatehouseOptions.port("backend1"));
        TestBackendServer two = new TestBackendServer(GatehouseOptions.port("backend2"));
        one.start();
        two.start();
        try {
            HttpClient h1 = client(HttpClient.Version.HTTP_1_1);
            // the login zone: 5 a minute per client (burst 4, nodelay); clients told apart through the trusted proxy
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> ok = send(h1, login("198.51.100.7"));
                assertEquals("login " + i + ": " + ok.body(), 200, ok.statusCode());
                assertSecurityHeaders("proxied", ok);
            }
            HttpResponse<String> limited = send(h1, login("198.51.100.7"));
            assertEquals(limited.body(), 429, limited.statusCode());
            assertTrue("Retry-After", Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) > 0);
            assertTrue(limited.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            assertSecurityHeaders("rate-limited", limited);
            assertEquals("another client still passes", 200, send(h1, login("198.51.100.8")).statusCode());

            assertSecurityHeaders("static", send(h1, HttpRequest.newBuilder(https("/ui/index.html")).build()));
            String traversal = raw("GET /ui/%2e%2e%2f%2e%2e%2fetc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(traversal, traversal.startsWith("HTTP/1.1 400"));
            assertFalse(traversal, traversal.contains("root:"));
        } finally {
            one.stop();
            two.stop();
        }
    }

    /** A WebSocket client listener that queues what arrives and notes the close, whichever way it came. */
    private static final class Inbox implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.countDown(); // the connection ended without a close frame (the idle timeout closes TCP)
        }

        String next() throws InterruptedException {
            String message = messages.poll(20, TimeUnit.SECONDS);
            assertTrue("a message arrived in time", message != null);
            return message;
        }
    }

    private WebSocket openWebSocket(HttpClient client, Inbox inbox) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create("wss://127.0.0.1:" + GatehouseOptions.port("https") + "/ws/echo"), inbox)
                        .get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(what, System.nanoTime() < deadline);
            Thread.sleep(50);
        }
    }

    /**
     * wss:// through the listener to real WebSocket backends chosen by the balancer (least-conn: two open sockets
     * land on both backends); text frames both ways; a client close closes the backend side, a backend close closes
     * the client side, and an idle socket is closed after websocket.idle.timeout.ms (2 s here).
     */
    @Test
    public void webSocketsPassThroughToBalancedBackendsBothWays() throws Exception {
        try (WebSocketEchoBackend one = new WebSocketEchoBackend(GatehouseOptions.port("backend1"));
                WebSocketEchoBackend two = new WebSocketEchoBackend(GatehouseOptions.port("backend2"))) {
            HttpClient client = client(HttpClient.Version.HTTP_1_1);
            Inbox firstInbox = new Inbox();
            Inbox secondInbox = new Inbox();
            WebSocket first = openWebSocket(client, firstInbox);
            WebSocket second = openWebSocket(client, secondInbox);
            first.sendText("hello", true).get(10, TimeUnit.SECONDS);
            second.sendText("hello", true).get(10, TimeUnit.SECONDS);
            String a = firstInbox.next();
            String b = secondInbox.next();
            assertTrue(a + " / " + b, a.endsWith(":hello") && b.endsWith(":hello"));
            assertFalse("two open WebSockets on two backends (least-conn): " + a + " / " + b,
                    a.substring(0, a.indexOf(":hello")).equals(b.substring(0, b.indexOf(":hello"))));
            String big = "x".repeat(200_000);
            first.sendText(big, true).get(10, TimeUnit.SECONDS);
            assertTrue(firstInbox.next().endsWith(":" + big));

            // the client closes: the backend's side of the tunnel ends
            int endedBefore = one.ended.get() + two.ended.get();
            first.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            await("the backend side closed after the client closed", () -> one.ended.get() + two.ended.get() > endedBefore);

            // the backend closes: the client sees the close
            second.sendText("close-please", true).get(10, TimeUnit.SECONDS);
            assertTrue("the client side closed after the backend closed", secondInbox.closed.await(20, TimeUnit.SECONDS));

            // an idle tunnel is closed, both sides
            Inbox idleInbox = new Inbox();
            WebSocket idle = openWebSocket(client, idleInbox);
            idle.sendText("before idling", true).get(10, TimeUnit.SECONDS);
            assertTrue(idleInbox.next().endsWith(":before idling"));
            int endedBeforeIdle = one.ended.get() + two.ended.get();
            assertTrue("the idle WebSocket was closed", idleInbox.closed.await(30, TimeUnit.SECONDS));
            await("the backend side of the idle tunnel closed", () -> one.ended.get() + two.ended.get() > endedBeforeIdle);
            assertTrue(registry.meter("gatehouse.gateway.route.requests{route=\"proxy\",status=\"1xx\"}").getCount() >= 2);
        }
    }

    /** One RFC 8441 tunnel: the stream, its response head, and the WebSocket bytes that arrive in its DATA frames. */
    private static final class H2Tunnel implements Stream.Listener {
        final CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int consumed;
        Stream stream;

        @Override
        public void onHeaders(Stream stream, HeadersFrame frame) {
            if (frame.getMetaData() instanceof MetaData.Response head) {
                response.complete(head);
            }
            if (frame.isEndStream()) {
                ended.countDown();
            }
            stream.demand();
        }

        @Override
        public void onDataAvailable(Stream stream) {
            for (Stream.Data chunk = stream.readData(); chunk != null; chunk = stream.readData()) {
                ByteBuffer bytes = chunk.frame().getByteBuffer();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                synchronized (received) {
                    received.write(copy, 0, copy.length);
                }
                boolean last = chunk.frame().isEndStream();
                chunk.release();
                if (last) {
                    ended.countDown();
                    return;
                }
            }
            stream.demand();
        }

        @Override
        public void onReset(Stream stream, ResetFrame frame, Callback callback) {
            ended.countDown();
            callback.succeeded();
        }

        /** What arrived so far, as text (an error answer's JSON body, for a failure message). */
        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        void send(byte[] bytes) throws Exception {
            stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(bytes), false)).get(10, TimeUnit.SECONDS);
        }

        /** The next whole WebSocket frame from the backend; waits for its bytes. */
        WsFrame nextFrame() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                byte[] bytes;
                synchronized (received) {
                    bytes = received.toByteArray();
                }
                WsFrame frame = parse(bytes, consumed);
                if (frame != null) {
                    return frame;
                }
                assertTrue("a whole WebSocket frame arrived in time; have " + (bytes.length - consumed) + " bytes",
                        System.nanoTime() < deadline);
                Thread.sleep(20);
            }
        }

        /** A server frame (never masked) starting at {@code offset}, or null while its bytes are incomplete. */
        private WsFrame parse(byte[] bytes, int offset) {
            if (bytes.length - offset < 2) {
                return null;
            }
            int first = bytes[offset] & 0xFF;
            int second = bytes[offset + 1] & 0xFF;
            assertEquals("a server frame is not masked", 0, second & 0x80);
            int header = 2;
            long length = second & 0x7F;
            if (length >= 126) {
                int extra = length == 126 ? 2 : 8;
                if (bytes.length - offset < 2 + extra) {
                    return null;
                }
                length = 0;
                for (int i = 0; i < extra; i++) {
                    length = (length << 8) | (bytes[offset + 2 + i] & 0xFF);
                }
                header += extra;
            }
            if (bytes.length - offset - header < length) {
                return null;
            }
            byte[] payload = java.util.Arrays.copyOfRange(bytes, offset + header, offset + header + (int) length);
            consumed = offset + header + (int) length;
            return new WsFrame(first, payload);
        }
    }

    /** A WebSocket frame: its first byte (FIN and opcode) and its payload. */
    private record WsFrame(int first, byte[] payload) {
    }

    /**
     * Jetty finds its ALPN processor and its header pre-encoders (HTTP/1 and HPACK) with ServiceLoader through the
     * context class loader: in OSGi that must be a loader that sees the service files of the bundles holding them.
     * Without the HPACK one, encoding the request headers fails with a NullPointerException.
     */
    private static ClassLoader jettyServices() {
        List<ClassLoader> bundles = List.of(JDK9ClientALPNProcessor.class.getClassLoader(),
                HpackFieldPreEncoder.class.getClassLoader(), HttpFields.class.getClassLoader());
        return new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                for (ClassLoader bundle : bundles) {
                    try {
                        return bundle.loadClass(name);
                    } catch (ClassNotFoundException notThere) {
                        // the next bundle
                    }
                }
                throw new ClassNotFoundException(name);
            }

            @Override
            protected java.util.Enumeration<java.net.URL> findResources(String name) throws IOException {
                List<java.net.URL> found = new java.util.ArrayList<>();
                for (ClassLoader bundle : bundles) {
                    found.addAll(java.util.Collections.list(bundle.getResources(name)));
                }
                return java.util.Collections.enumeration(found);
            }
        };
    }

    /** A client WebSocket frame (FIN set), masked with a fresh key as RFC 6455 requires of clients. */
    private static byte[] maskedFrame(int opcode, byte[] payload) {
        assertTrue("short frames only", payload.length < 126);
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        out.write(0x80 | payload.length);
        out.write(mask, 0, mask.length);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    /**
     * Opens an extended CONNECT stream ({@code :method CONNECT}, {@code :protocol websocket}) and waits for its answer;
     * tries again while the answer is 502 or 503 (a backend an earlier test stopped may still be marked down).
     */
    private static H2Tunnel openTunnel(Session session, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            H2Tunnel tunnel = new H2Tunnel();
            MetaData.ConnectRequest connect = new MetaData.ConnectRequest(HttpScheme.HTTPS,
                    new HostPortHttpField("127.0.0.1:" + GatehouseOptions.port("https")), path,
                    HttpFields.build().put("sec-websocket-version", "13"), "websocket");
            tunnel.stream = session.newStream(new HeadersFrame(connect, null, false), tunnel).get(10, TimeUnit.SECONDS);
            int status = tunnel.response.get(30, TimeUnit.SECONDS).getStatus();
            if ((status != 502 && status != 503) || System.nanoTime() > deadline) {
                return tunnel;
            }
            Thread.sleep(200);
        }
    }

    /**
     * WebSocket over HTTP/2 (RFC 8441) through the listener: over TLS with ALPN h2 the listener announces extended
     * CONNECT; a CONNECT stream with {@code :protocol websocket} is answered 200 and becomes a tunnel to a balanced
     * WebSocket backend (which sees an ordinary HTTP/1.1 upgrade made by the gateway); a masked text frame sent on the
     * stream comes back echoed by the backend; a close frame is answered with one and ends the stream; the listener
     * keeps serving afterwards. It runs through the shipped request hardening, whose {@code allowed.methods} has no
     * CONNECT: the listener presents the extended CONNECT to filters as the GET an HTTP/1.1 client sends.
     */
    @Test
    public void webSocketOverHttp2ExtendedConnect() throws Exception {
        try (WebSocketEchoBackend one = new WebSocketEchoBackend(GatehouseOptions.port("backend1"));
                WebSocketEchoBackend two = new WebSocketEchoBackend(GatehouseOptions.port("backend2"))) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(jettyServices());
            // the pre-encoders are looked up once, when PreEncodedHttpField is initialised: here, not on one of the
            // client's pool threads (their context class loader is Jetty's own, which sees no service files)
            Class.forName(PreEncodedHttpField.class.getName(), true, PreEncodedHttpField.class.getClassLoader());
            HTTP2Client h2 = new HTTP2Client();
            try {
                SslContextFactory.Client tls = new SslContextFactory.Client();
                tls.setSslContext(listenerCertificate().sslContext());
                h2.addBean(tls);
                h2.start();
                CompletableFuture<Map<Integer, Integer>> settings = new CompletableFuture<>();
                Session session = h2.connect(tls, new InetSocketAddress("127.0.0.1", GatehouseOptions.port("https")),
                        new Session.Listener() {
                            @Override
                            public void onSettings(Session session, SettingsFrame frame) {
                                settings.complete(frame.getSettings());
                            }
                        }).get(30, TimeUnit.SECONDS);
                assertEquals("the listener announces extended CONNECT (RFC 8441) in its SETTINGS", Integer.valueOf(1),
                        settings.get(10, TimeUnit.SECONDS).get(SettingsFrame.ENABLE_CONNECT_PROTOCOL));

                H2Tunnel tunnel = openTunnel(session, "/ws/h2-echo");
                MetaData.Response response = tunnel.response.get();
                assertEquals(response.getHttpFields() + "\n" + tunnel.text(), 200, response.getStatus());

                tunnel.send(maskedFrame(0x1, "hello over h2".getBytes(StandardCharsets.UTF_8)));
                WsFrame echo = tunnel.nextFrame();
                assertEquals("a final text frame", 0x81, echo.first());
                String text = new String(echo.payload(), StandardCharsets.UTF_8);
                assertTrue("echoed by a backend: " + text, text.equals(one.id() + ":hello over h2")
                        || text.equals(two.id() + ":hello over h2"));

                // the client closes (1000): the backend answers with a close frame and ends, and so does the stream
                int endedBefore = one.ended.get() + two.ended.get();
                tunnel.send(maskedFrame(0x8, new byte[] {0x03, (byte) 0xE8}));
                assertEquals("a close frame answers the close", 0x88, tunnel.nextFrame().first());
                assertTrue("the stream ended after the backend closed", tunnel.ended.await(20, TimeUnit.SECONDS));
                await("the backend side of the tunnel ended", () -> one.ended.get() + two.ended.get() > endedBefore);
                session.close(0, "done", Callback.NOOP);
            } finally {
                h2.stop();
                thread.setContextClassLoader(previous);
            }
            // the listener is still up, over HTTP/2 and HTTP/1.1
            for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
                assertEquals(version.toString(), 200,
                        send(client(version), HttpRequest.newBuilder(https("/ui/")).build()).statusCode());
            }
        }
    }

    private static HttpRequest login(String client) {
        return HttpRequest.newBuilder(https("/api/auth/login")).header("X-Forwarded-For", client)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"u\",\"password\":\"p\"}")).build();
    }

    private static void assertSecurityHeaders(String what, HttpResponse<String> response) {
        for (String header : List.of("Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
                "X-Content-Type-Options", "Referrer-Policy")) {
            assertTrue(header + " on the " + what + " response (" + response.statusCode() + ")",
                    response.headers().firstValue(header).isPresent());
        }
    }

    @Test
    public void missingOrInvalidCertificateKeepsThePreviousOne() throws Exception {
        X509Certificate before = listenerCertificate().certificate();
        HttpClient h1 = client(HttpClient.Version.HTTP_1_1);
        assertEquals(200, send(h1, HttpRequest.newBuilder(https("/ui/")).build()).statusCode());
        Path broken = Files.writeString(etc().resolve("broken-" + System.nanoTime() + ".p12"), "not a keystore");
        org.osgi.service.cm.Configuration config = configurationAdmin.getConfiguration("io.gatehouse.listener", null);
        Dictionary<String, Object> original = config.getProperties();
        try {
            for (String keystore : new String[] {broken.toString(), etc().resolve("does-not-exist.p12").toString()}) {
                Dictionary<String, Object> changed = copy(original);
                changed.put("tls.keystore", keystore);
                changed.put("tls.keystore.password", "whatever");
                config.update(changed);
                // the update is refused asynchronously; the listener must keep answering with the same certificate
                for (int i = 0; i < 10; i++) {
                    HttpClient fresh = client(HttpClient.Version.HTTP_1_1);
                    assertEquals(200, send(fresh, HttpRequest.newBuilder(https("/ui/")).build()).statusCode());
                    assertEquals(before, peerCertificate());
                    Thread.sleep(100);
                }
            }
        } finally {
            config.update(original);
        }
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> in) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (var keys = in.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            out.put(key, in.get(key));
        }
        return out;
    }

    private static Certificate peerCertificate() throws Exception {
        try (SSLSocket socket = (SSLSocket) listenerCertificate().sslContext().getSocketFactory()
                .createSocket("127.0.0.1", GatehouseOptions.port("https"))) {
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String raw(String request) throws Exception {
        try (SSLSocket socket = (SSLSocket) listenerCertificate().sslContext().getSocketFactory()
                .createSocket("127.0.0.1", GatehouseOptions.port("https"))) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException closed) {
                // the server closes the connection after the error response
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
