package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSockets passed through to a backend the {@link LoadBalancer} picks, opened either with an HTTP/1.1 upgrade or,
 * over HTTP/2, with an extended CONNECT (RFC 8441, {@code :protocol websocket}). Either way the backend gets an
 * HTTP/1.1 upgrade request with the same forwarded headers as a proxied request (for an HTTP/2 client the gateway
 * makes the {@code Sec-WebSocket-Key} and checks the backend's {@code Sec-WebSocket-Accept}, as RFC 8441 leaves
 * them out); on the backend's 101 the client gets the 101 (HTTP/1.1) or a 200 (HTTP/2), with the exchange's
 * response headers, and the client's connection (or HTTP/2 stream) and the backend's connection become a byte
 * tunnel, so frames flow both ways untouched. The idle timeout applies to both sides; when either side closes, fails
 * or idles out, both close. The backend's lease is held while the tunnel is open (least-conn sees it), and the
 * exchange completes (metrics, access log with status 101, or 200 over HTTP/2) when the tunnel closes.
 */
final class WebSocketTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTunnel.class);
    private static final int MAX_RESPONSE_HEAD = 16 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final SecureRandom KEYS = new SecureRandom();

    private final GatewayConnector connector;
    private final Supplier<LoadBalancer> balancer;
    private final GatewayMetrics metrics;
    private final long idleTimeoutMs;
    private final long handshakeTimeoutMs;
    private final int maxTries;

    WebSocketTunnel(GatewayConnector connector, Supplier<LoadBalancer> balancer, GatewayMetrics metrics,
            ListenerConfig config) {
        ConfigLists.checkNumbers(config);
        this.connector = connector;
        this.balancer = balancer;
        this.metrics = metrics;
        this.idleTimeoutMs = config.websocket_idle_timeout_ms();
        this.handshakeTimeoutMs = config.upstream_idle_timeout_ms();
        this.maxTries = 1 + Math.max(0, config.upstream_retries());
    }

    /** An HTTP/1.1 GET asking for {@code Upgrade: websocket} with {@code Connection: upgrade}. */
    static boolean isWebSocketUpgrade(Request request) {
        HttpFields headers = request.getHeaders();
        return request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_1
                && "GET".equals(request.getMethod())
                && headers.contains(HttpHeader.UPGRADE, "websocket")
                && headers.contains(HttpHeader.CONNECTION, "upgrade");
    }

    /** An HTTP/2 extended CONNECT (RFC 8441): a CONNECT carrying a {@code :protocol}. */
    static boolean isExtendedConnect(Request request) {
        TunnelSupport tunnel = request.getTunnelSupport();
        return tunnel != null && tunnel.getProtocol() != null && HttpMethod.CONNECT.is(request.getMethod());
    }

    /** An HTTP/2 extended CONNECT for {@code websocket}. */
    static boolean isWebSocketConnect(Request request) {
        return isExtendedConnect(request) && "websocket".equalsIgnoreCase(request.getTunnelSupport().getProtocol());
    }

    /** The {@code Sec-WebSocket-Accept} a backend must answer to {@code key} (RFC 6455, 4.2.2). */
    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64 (RFC 6455, 4.1). */
    private static String newKey() {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Opens the tunnel; {@code completion} is told when the exchange really ends (the tunnel closed). */
    void open(JettyExchange exchange, Request request, Response response, Callback callback,
            GatewayHandler.Deferrable completion) {
        attempt(new Handshake(exchange, request, response, callback, completion), Set.of(), 1);
    }

    private void attempt(Handshake handshake, Set<String> excluded, int tryNumber) {
        LoadBalancer lb = balancer.get();
        Optional<Lease> acquired;
        try {
            acquired = lb == null ? Optional.empty() : lb.acquire(handshake.exchange, excluded);
        } catch (RuntimeException e) {
            LOG.error("The load balancer failed to pick a backend for a WebSocket upgrade", e);
            acquired = Optional.empty();
        }
        if (acquired.isEmpty()) {
            handshake.fail(tryNumber > 1 ? 502 : 503, tryNumber > 1 ? "upstream unavailable" : "no backend available");
            return;
        }
        Lease lease = acquired.get();
        Backend backend = lease.backend();
        handshake.exchange.backend = backend.id();
        handshake.lease = lease;
        handshake.startNanos = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(backend.host(), backend.port());
        // opened on the HTTPS connector's own selector, like the proxy's upstream connections
        connector.connect(address, new GatewayConnector.Dial() {
            @Override
            public Connection connected(EndPoint endPoint) {
                endPoint.setIdleTimeout(handshakeTimeoutMs);
                return new Upstream(endPoint, connector.getExecutor(), handshake); // sends the upgrade when open
            }

            @Override
            public void failed(Throwable failure) {
                lease.failed(failure);
                metrics.upstreamError();
                if (tryNumber < maxTries) {
                    Set<String> next = new HashSet<>(excluded);
                    next.add(backend.id());
                    LOG.debug("WebSocket upgrade: {} refused the connection ({}), trying another backend", backend.id(),
                            failure.toString());
                    attempt(handshake, next, tryNumber + 1);
                } else {
                    handshake.fail(502, "upstream unavailable");
                }
            }
        });
    }

    /**
     * The upgrade request as the backend receives it: the client's headers, minus hop-by-hop, plus forwarded ones;
     * for an HTTP/2 client, with the key the gateway made.
     */
    private static ByteBuffer upgradeRequest(Handshake handshake) {
        JettyExchange exchange = handshake.exchange;
        Request request = handshake.request;
        HttpFields.Mutable headers = HttpFields.build();
        UpstreamProxy.copyRequestHeaders(exchange, request, headers::add);
        if (handshake.key != null) {
            headers.put(HttpHeader.UPGRADE, "websocket");
            headers.put(HttpHeader.SEC_WEBSOCKET_KEY, handshake.key);
        } else {
            headers.put(HttpHeader.UPGRADE, request.getHeaders().get(HttpHeader.UPGRADE));
        }
        headers.put(HttpHeader.CONNECTION, "Upgrade");
        RequestHead head = new RequestHead(512).requestLine("GET", request.getHttpURI().getPath(),
                request.getHttpURI().getQuery());
        for (HttpField field : headers) {
            head.field(field.getName(), field.getValue());
        }
        ByteBuffer buffer = ByteBuffer.allocate(head.end().length());
        head.copyTo(buffer);
        return buffer.flip();
    }

    /** One upgrade from the request to the end of its tunnel. */
    private final class Handshake {

        final JettyExchange exchange;
        final Request request;
        final Response response;
        final Callback callback;
        final GatewayHandler.Deferrable completion;
        /** The key the gateway sends upstream for an HTTP/2 client (RFC 8441 has none); null over HTTP/1.1. */
        final String key;
        /** The status the client gets when the tunnel opens: 101 over HTTP/1.1, 200 over HTTP/2. */
        final int openStatus;
        volatile Lease lease;
        volatile long startNanos;
        private final AtomicBoolean closed = new AtomicBoolean();

        Handshake(JettyExchange exchange, Request request, Response response, Callback callback,
                GatewayHandler.Deferrable completion) {
            this.exchange = exchange;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.completion = completion;
            boolean overHttp2 = isWebSocketConnect(request);
            this.key = overHttp2 ? newKey() : null;
            this.openStatus = overHttp2 ? 200 : 101;
        }

        private final AtomicBoolean answered = new AtomicBoolean();

        /** Answers the client with an error instead of the upgrade; only the first answer counts. */
        void fail(int status, String message) {
            if (answered.compareAndSet(false, true)) {
                metrics.error();
                ErrorResponses.send(request, response, callback, status, message);
            }
        }

        /** The backend answered the upgrade with a status other than 101: the client gets an error. */
        void refused(int status) {
            lease.succeeded(status, System.nanoTime() - startNanos);
            fail(status >= 400 && status <= 599 ? status : 502,
                    "upstream did not accept the WebSocket upgrade (status " + status + ")");
        }

        /**
         * The backend switched protocols: the client gets the 101 (or, over HTTP/2, a 200) and both sides become the
         * tunnel.
         */
        void upgraded(Upstream upstream, HttpFields head, ByteBuffer early) {
            if (!answered.compareAndSet(false, true)) {
                upstream.close();
                return;
            }
            EndPoint clientSide = key != null ? request.getTunnelSupport().getEndPoint()
                    : request.getConnectionMetaData().getConnection().getEndPoint();
            Downstream downstream = new Downstream(clientSide, connector.getExecutor(), this, upstream, early);
            upstream.peer = downstream;
            response.setStatus(openStatus);
            HttpFields.Mutable out = response.getHeaders();
            for (HttpField field : head) {
                HttpHeader header = field.getHeader();
                if (header == HttpHeader.UPGRADE || header == HttpHeader.CONNECTION) {
                    continue;
                }
                if (key != null && header == HttpHeader.SEC_WEBSOCKET_ACCEPT) {
                    continue; // RFC 8441: the 200 carries no accept, the client sent no key
                }
                if (header != null && HopByHop.RESPONSE.contains(header)) {
                    continue;
                }
                out.add(field);
            }
            if (key == null) {
                String protocol = head.get(HttpHeader.UPGRADE);
                out.put(HttpHeader.UPGRADE, protocol == null ? "websocket" : protocol);
                out.put(HttpHeader.CONNECTION, "Upgrade");
            }
            exchange.applyResponseHeaders(out);
            completion.defer();
            request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, downstream);
            response.write(true, null, new Callback() {
                @Override
                public void succeeded() {
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    upstream.close();
                    closed(x);
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return InvocationType.NON_BLOCKING;
                }
            });
        }

        /** Either side ended: the lease is released and the exchange completes, once. */
        void closed(Throwable cause) {
            if (closed.compareAndSet(false, true)) {
                Lease l = lease;
                if (l != null) {
                    l.succeeded(101, System.nanoTime() - startNanos);
                }
                completion.finishDeferred(openStatus);
            }
        }
    }

    /** Copies what one endpoint reads to the peer's endpoint, one buffer at a time (the peer's pace). */
    private abstract static class Side extends AbstractConnection {

        Side peer;
        private final ByteBuffer buffer = BufferUtil.allocate(BUFFER);
        private final IteratingCallback pump = new IteratingCallback() {
            @Override
            protected Action process() throws Throwable {
                BufferUtil.clear(buffer);
                int filled = getEndPoint().fill(buffer);
                if (filled > 0) {
                    peer.getEndPoint().write(this, buffer);
                    return Action.SCHEDULED;
                }
                if (filled == 0) {
                    fillInterested();
                    return Action.IDLE;
                }
                return Action.SUCCEEDED;
            }

            @Override
            protected void onCompleteSuccess() {
                closeBoth(null);
            }

            @Override
            protected void onCompleteFailure(Throwable cause) {
                closeBoth(cause);
            }
        };

        Side(EndPoint endPoint, Executor executor) {
            super(endPoint, executor);
        }

        @Override
        public void onFillable() {
            pump.iterate();
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            closeBoth(cause); // the idle timeout, or the connection failed
        }

        void closeBoth(Throwable cause) {
            close();
            if (peer != null) {
                peer.close();
            }
        }

        /** Sends bytes read before this side started pumping, then starts it. */
        void start(ByteBuffer early) {
            if (BufferUtil.hasContent(early)) {
                peer.getEndPoint().write(Callback.from(this::fillInterested, this::closeBoth), early);
            } else {
                fillInterested();
            }
        }
    }

    /** The backend side: sends the upgrade request, reads the response head, then pumps backend to client. */
    private final class Upstream extends Side implements GatewayConnector.Outbound {

        private final Handshake handshake;
        private ByteBuffer head = BufferUtil.allocate(MAX_RESPONSE_HEAD);
        private boolean tunnelling;

        Upstream(EndPoint endPoint, Executor executor, Handshake handshake) {
            super(endPoint, executor);
            this.handshake = handshake;
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().write(Callback.from(this::fillInterested, x -> {
                close();
                handshake.lease.failed(x);
                handshake.fail(502, "upstream unavailable");
            }), upgradeRequest(handshake));
        }

        @Override
        public void onFillable() {
            if (tunnelling) {
                super.onFillable();
                return;
            }
            try {
                int filled = getEndPoint().fill(head);
                if (filled < 0) {
                    throw new IOException("the backend closed the connection during the WebSocket handshake");
                }
                int end = headEnd(head);
                if (end < 0) {
                    if (BufferUtil.space(head) == 0) {
                        throw new IOException("WebSocket handshake response head over " + MAX_RESPONSE_HEAD + " bytes");
                    }
                    fillInterested();
                    return;
                }
                String text = new String(head.array(), head.arrayOffset() + head.position(), end, StandardCharsets.ISO_8859_1);
                head.position(head.position() + end + 4);
                ByteBuffer early = head.slice();
                head = null;
                HttpFields.Mutable fields = HttpFields.build();
                int status = parseHead(text, fields);
                if (status != 101) {
                    close();
                    handshake.refused(status);
                    return;
                }
                if (handshake.key != null && !acceptFor(handshake.key).equals(fields.get(HttpHeader.SEC_WEBSOCKET_ACCEPT))) {
                    throw new IOException("Sec-WebSocket-Accept does not match the key");
                }
                tunnelling = true;
                handshake.upgraded(this, fields, early);
            } catch (IOException | RuntimeException e) {
                LOG.warn("WebSocket handshake with backend {} failed: {}", handshake.exchange.backend, e.toString());
                close();
                handshake.lease.failed(e);
                metrics.upstreamError();
                handshake.fail(502, "upstream WebSocket handshake failed");
            }
        }

        @Override
        public void onFillInterestedFailed(Throwable cause) {
            if (tunnelling) {
                super.onFillInterestedFailed(cause);
                return;
            }
            close();
            handshake.lease.failed(cause);
            metrics.upstreamError();
            handshake.fail(504, "upstream timed out");
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            if (tunnelling) {
                if (peer != null) {
                    peer.close();
                }
                handshake.closed(cause);
            }
        }
    }

    /** The client side, installed on the client's connection by Jetty once the 101 is sent. */
    private final class Downstream extends Side implements Connection.UpgradeTo {

        private final Handshake handshake;
        private final ByteBuffer earlyFromBackend;
        private ByteBuffer earlyFromClient;

        Downstream(EndPoint endPoint, Executor executor, Handshake handshake, Upstream upstream, ByteBuffer early) {
            super(endPoint, executor);
            this.handshake = handshake;
            this.peer = upstream;
            this.earlyFromBackend = early;
        }

        @Override
        public void onUpgradeTo(ByteBuffer buffer) {
            if (BufferUtil.hasContent(buffer)) {
                earlyFromClient = BufferUtil.copy(buffer);
            }
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().setIdleTimeout(idleTimeoutMs);
            peer.getEndPoint().setIdleTimeout(idleTimeoutMs);
            start(earlyFromClient);
            peer.start(earlyFromBackend);
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            peer.close();
            handshake.closed(cause);
        }
    }

    /** Index of the blank line ending the head in {@code buffer} (from its position), or -1. */
    private static int headEnd(ByteBuffer buffer) {
        for (int i = buffer.position(); i + 3 < buffer.limit(); i++) {
            if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n' && buffer.get(i + 2) == '\r' && buffer.get(i + 3) == '\n') {
                return i - buffer.position();
            }
        }
        return -1;
    }

    /** Parses {@code HTTP/1.1 101 ...} and the header lines into {@code fields}; returns the status. */
    static int parseHead(String head, HttpFields.Mutable fields) throws IOException {
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + lines[0]);
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status in: " + lines[0]);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line in the upgrade response: " + lines[i]);
            }
            fields.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        }
        return code;
    }
}
