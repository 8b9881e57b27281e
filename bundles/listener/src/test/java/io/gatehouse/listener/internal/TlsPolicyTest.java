package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS connector's TLS contract on the wire: ALPN with h2 and http/1.1, TLS 1.3 and 1.2 with forward-secret AEAD
 * suites only, TLS 1.1 and CBC suites refused (checked with hand-made ClientHellos, which the JDK's own client would
 * refuse to send), and which configuration changes are certificate-only.
 */
class TlsPolicyTest {

    @TempDir
    static Path dir;

    @Test
    void servesH2AndHttp11OverTls13And12WithAeadSuitesOnly() throws Exception {
        TestBackend backend = new TestBackend("tls");
        FakeBalancer balancer = new FakeBalancer();
        balancer.add(backend.port());
        ListenerConfig config = Configs.config(Map.of("https_port", 0, "http_port", -1,
                "tls_watch_interval_seconds", 0, "static_routes", new String[0]));
        TlsMaterial tls = TlsMaterial.load(config, dir.resolve("etc"));
        GatewayServer server = GatewayServer.start(config, tls, new FilterChain(), () -> balancer,
                new GatewayMetrics(new MetricRegistry()), c -> null);
        try {
            SSLContext trust = GatewayServerTest.trusting(tls.keyStore());
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpClient client = HttpClient.newBuilder().sslContext(trust).version(version).build();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        java.net.URI.create("https://127.0.0.1:" + server.httpsPort() + "/api/tls")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals(version, response.version(), "ALPN agreed on " + version);
                assertTrue(response.body().contains("tls"), response.body());
            }
            assertEquals("TLSv1.3", handshake(trust, server, "TLSv1.3", null));
            assertEquals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    handshake(trust, server, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
            // hand-made ClientHellos, since the JDK's own client refuses to offer these: the well-formed control is
            // answered with a ServerHello, TLS 1.1 and a suite without forward secrecy with an alert or a close
            assertEquals(HANDSHAKE, firstRecord(server, TLS12, ECDHE_ECDSA_AES_128_GCM_SHA256));
            assertTrue(firstRecord(server, TLS11, ECDHE_ECDSA_AES_128_CBC_SHA) != HANDSHAKE, "TLS 1.1 is refused");
            assertTrue(firstRecord(server, TLS12, ECDHE_ECDSA_AES_128_CBC_SHA) != HANDSHAKE, "a CBC suite is refused");
        } finally {
            server.stop();
            backend.close();
        }
    }

    private static final int HANDSHAKE = 0x16;
    private static final int TLS11 = 0x0302;
    private static final int TLS12 = 0x0303;
    // the generated certificate has an EC key (P-256)
    private static final int ECDHE_ECDSA_AES_128_GCM_SHA256 = 0xC02B;
    private static final int ECDHE_ECDSA_AES_128_CBC_SHA = 0xC009;

    /**
     * Sends a minimal ClientHello (RFC 5246 7.4.1.2) offering one version and one suite, and returns the type of
     * the first record the server answers with (0x16: its ServerHello, 0x15: an alert), or -1 when it just closes.
     */
    private static int firstRecord(GatewayServer server, int version, int suite) throws IOException {
        java.io.ByteArrayOutputStream extensions = new java.io.ByteArrayOutputStream();
        // supported_groups: x25519, secp256r1; ec_point_formats: uncompressed; signature_algorithms:
        // ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        extensions.writeBytes(new byte[] {0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17});
        extensions.writeBytes(new byte[] {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00});
        extensions.writeBytes(new byte[] {0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01});
        java.io.ByteArrayOutputStream hello = new java.io.ByteArrayOutputStream();
        hello.write(version >> 8);
        hello.write(version);
        hello.writeBytes(new byte[32]); // random
        hello.write(0); // no session id
        hello.writeBytes(new byte[] {0x00, 0x02, (byte) (suite >> 8), (byte) suite});
        hello.writeBytes(new byte[] {0x01, 0x00}); // null compression
        hello.write(extensions.size() >> 8);
        hello.write(extensions.size());
        hello.writeBytes(extensions.toByteArray());
        byte[] body = hello.toByteArray();
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.writeBytes(new byte[] {HANDSHAKE, 0x03, 0x01, (byte) ((body.length + 4) >> 8), (byte) (body.length + 4)});
        record.writeBytes(new byte[] {0x01, 0x00, (byte) (body.length >> 8), (byte) body.length});
        record.writeBytes(body);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(record.toByteArray());
            socket.getOutputStream().flush();
            try {
                return socket.getInputStream().read();
            } catch (java.net.SocketException reset) {
                return -1;
            }
        }
    }

    /** Handshakes with one protocol (and one suite if given); returns the suite for TLS 1.2, else the protocol. */
    private static String handshake(SSLContext trust, GatewayServer server, String protocol, String suite)
            throws IOException {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            if (suite != null) {
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            socket.startHandshake();
            return suite != null ? socket.getSession().getCipherSuite() : socket.getSession().getProtocol();
        }
    }

    @Test
    void onlyCertificateSettingsApplyInPlaceEveryOtherTlsSettingRebuilds() {
        Map<String, Object> before = Map.of("https.port", 8443, "tls.keystore", "a.p12", "tls.protocols",
                new String[] {"TLSv1.3", "TLSv1.2"});
        assertTrue(GatewayListener.onlyTlsChanged(before, Map.of("https.port", 8443, "tls.keystore", "b.p12",
                "tls.protocols", new String[] {"TLSv1.3", "TLSv1.2"})), "a new keystore swaps in place");
        assertFalse(GatewayListener.onlyTlsChanged(before, Map.of("https.port", 8443, "tls.keystore", "a.p12",
                "tls.protocols", new String[] {"TLSv1.3"})), "a protocol change rebuilds the connector");
        assertFalse(GatewayListener.onlyTlsChanged(before, Map.of("https.port", 9443, "tls.keystore", "a.p12",
                "tls.protocols", new String[] {"TLSv1.3", "TLSv1.2"})));
    }
}
