package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.client.ContentSourceRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies an exchange to the backend the {@link LoadBalancer} picks, over Jetty's HttpClient (keep-alive pool per
 * backend), streaming both bodies (a small response is held whole first, see {@link Attempt}). A
 * failure is retried on another backend (bounded) when that is safe: nothing was sent yet, or the request is
 * idempotent and has no body, and nothing of the failed response reached the client. Every outcome is reported to
 * the lease.
 */
final class UpstreamProxy {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

    private final HttpClient client;
    private final Supplier<LoadBalancer> balancer;
    private final GatewayMetrics metrics;
    private final long idleTimeoutMs;
    private final long totalTimeoutMs;
    private final int maxTries;
    private final int bufferBytes;
    static final String ACCEL_BUFFERING = "X-Accel-Buffering";
    /** The status a lease is released with when the client, not the backend, ended the exchange early. */
    static final int CLIENT_CLOSED = 499;

    UpstreamProxy(HttpClient client, Supplier<LoadBalancer> balancer, GatewayMetrics metrics, ListenerConfig config) {
        this.client = client;
        this.balancer = balancer;
        this.metrics = metrics;
        this.idleTimeoutMs = config.upstream_idle_timeout_ms();
        this.totalTimeoutMs = config.upstream_total_timeout_ms();
        this.maxTries = 1 + Math.max(0, config.upstream_retries());
        this.bufferBytes = config.upstream_buffer_bytes();
    }

    void proxy(JettyExchange exchange, Request request, Response response, Callback callback) {
        attempt(exchange, request, response, callback, Set.of(), 1);
    }

    private void attempt(JettyExchange exchange, Request request, Response response, Callback callback,
            Set<String> excluded, int tryNumber) {
        // after a failed try, running out of backends means the upstream failed: 502, not 503
        LoadBalancer lb = balancer.get();
        if (lb == null) {
            metrics.error();
            ErrorResponses.send(request, response, callback, 503, "no load balancer is running");
            return;
        }
        Optional<Lease> acquired;
        try {
            acquired = lb.acquire(exchange, excluded);
        } catch (RuntimeException e) {
            LOG.error("The load balancer failed to pick a backend for {} {}", exchange.method(), exchange.rawPath(), e);
            metrics.error();
            ErrorResponses.send(request, response, callback, 503, "no backend available");
            return;
        }
        if (acquired.isEmpty()) {
            metrics.error();
            if (tryNumber > 1) {
                ErrorResponses.send(request, response, callback, 502, "upstream unavailable");
            } else {
                ErrorResponses.send(request, response, callback, 503, "no backend available");
            }
            return;
        }
        Lease lease = acquired.get();
        Backend backend = lease.backend();
        exchange.backend = backend.id();
        boolean hasBody = hasBody(request);
        org.eclipse.jetty.client.Request upstream = client.newRequest(backend.host(), backend.port())
                .scheme("http")
                .method(request.getMethod())
                .path(pathAndQuery(request))
                .version(HttpVersion.HTTP_1_1)
                .idleTimeout(idleTimeoutMs, TimeUnit.MILLISECONDS)
                .headers(headers -> copyRequestHeaders(exchange, request, headers));
        if (totalTimeoutMs > 0) {
            upstream.timeout(totalTimeoutMs, TimeUnit.MILLISECONDS);
        }
        ClientBody body = hasBody ? new ClientBody(request) : null;
        if (body != null) {
            upstream.body(new ContentSourceRequestContent(body, request.getHeaders().get(HttpHeader.CONTENT_TYPE)));
        }
        Attempt attempt = new Attempt(exchange, request, response, callback, lease, excluded, tryNumber, body);
        upstream.onRequestCommit(r -> attempt.committed = true);
        upstream.send(attempt);
    }

    private static boolean hasBody(Request request) {
        HttpFields headers = request.getHeaders();
        long length = headers.getLongField(HttpHeader.CONTENT_LENGTH);
        return length > 0 || (length < 0 && headers.contains(HttpHeader.TRANSFER_ENCODING));
    }

    static String pathAndQuery(Request request) {
        String path = request.getHttpURI().getPath();
        String query = request.getHttpURI().getQuery();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return query == null ? path : path + '?' + query;
    }

    static void copyRequestHeaders(JettyExchange exchange, Request request, HttpFields.Mutable out) {
        HttpFields in = request.getHeaders();
        String connection = in.get(HttpHeader.CONNECTION);
        for (HttpField field : in) {
            HttpHeader header = field.getHeader();
            if (header != null && (HopByHop.REQUEST.contains(header) || header == HttpHeader.X_FORWARDED_FOR
                    || header == HttpHeader.X_FORWARDED_PROTO || header == HttpHeader.X_FORWARDED_HOST)) {
                continue;
            }
            if (connection != null && HopByHop.listedIn(connection, field.getName())) {
                continue;
            }
            if (RequestIds.HEADER.equalsIgnoreCase(field.getName())) {
                continue;
            }
            out.add(field);
        }
        String peer = exchange.peerAddress();
        String forwardedFor = exchange.trustedPeer() ? in.get(HttpHeader.X_FORWARDED_FOR) : null;
        out.put(HttpHeader.X_FORWARDED_FOR, forwardedFor == null ? peer : forwardedFor + ", " + peer);
        out.put(HttpHeader.X_FORWARDED_PROTO, exchange.scheme());
        String host = request.getHttpURI().getAuthority();
        if (host == null) {
            host = in.get(HttpHeader.HOST);
        }
        if (host != null) {
            out.put(HttpHeader.X_FORWARDED_HOST, host);
            out.put(HttpHeader.HOST, host);
        }
        out.put(RequestIds.HEADER, exchange.requestId());
    }

    private static boolean idempotent(String method) {
        HttpMethod m = HttpMethod.fromString(method);
        return m != null && m.isIdempotent();
    }

    /**
     * One try against one backend: its response listener and its outcome. Nothing of the backend's response reaches
     * the client's response before the first byte is written to it, so until then a failed try can still be retried
     * elsewhere (when {@link #canRetry} allows). A response up to {@code upstream.buffer.bytes} is held whole and
     * written with its headers in one go: a backend that dies half-way through it costs the client nothing but a
     * retry (NGINX's {@code proxy_next_upstream} gives up once a byte has arrived), and the client's connection gets
     * one write instead of two. A chunked response is held while it fits, then streamed; a longer one, an event
     * stream ({@code text/event-stream}) or one marked {@code X-Accel-Buffering: no} (NGINX's header for it) is
     * streamed as it arrives, with the backend read only as fast as the client takes it.
     */
    private final class Attempt implements org.eclipse.jetty.client.Response.Listener {

        private final JettyExchange exchange;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Lease lease;
        private final Set<String> excluded;
        private final int tryNumber;
        private final ClientBody body;
        private final long startNanos = System.nanoTime();
        volatile boolean committed;
        /** The backend's status and headers have been copied onto the client's response: no retry from here on. */
        private volatile boolean relayed;
        /** The response body is being held (see the class comment) rather than streamed. */
        private boolean holding;
        /** Its length when the backend announced it, else -1 (chunked: held while it fits the buffer limit). */
        private long holdLength;
        /** The held body so far, allocated at its first bytes. */
        private java.nio.ByteBuffer held;

        Attempt(JettyExchange exchange, Request request, Response response, Callback callback, Lease lease,
                Set<String> excluded, int tryNumber, ClientBody body) {
            this.exchange = exchange;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.lease = lease;
            this.excluded = excluded;
            this.tryNumber = tryNumber;
            this.body = body;
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response upstream) {
            committed = true; // the backend answers, so it has the request, even if its commit was not seen yet
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstream) {
            HttpFields headers = upstream.getHeaders();
            long length = headers.getLongField(HttpHeader.CONTENT_LENGTH);
            holdLength = length;
            holding = length < 0 ? bufferBytes > 0 && !streamed(headers) : length > 0 && length <= bufferBytes;
        }

        /** A response the backend means to be read as it comes: an event stream, or NGINX's X-Accel-Buffering: no. */
        private static boolean streamed(HttpFields headers) {
            String type = headers.get(HttpHeader.CONTENT_TYPE);
            return (type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17))
                    || "no".equalsIgnoreCase(headers.get(ACCEL_BUFFERING));
        }

        /** Copies the backend's status and end-to-end headers, then the exchange's own, onto the client's response. */
        private void relayHeaders(org.eclipse.jetty.client.Response upstream) {
            relayed = true;
            response.setStatus(upstream.getStatus());
            HttpFields.Mutable out = response.getHeaders();
            HttpFields in = upstream.getHeaders();
            String connection = in.get(HttpHeader.CONNECTION);
            for (HttpField field : in) {
                HttpHeader header = field.getHeader();
                if (header != null && HopByHop.RESPONSE.contains(header)) {
                    continue;
                }
                if (connection != null && HopByHop.listedIn(connection, field.getName())) {
                    continue;
                }
                if (ACCEL_BUFFERING.equalsIgnoreCase(field.getName())) {
                    continue; // an instruction to the gateway, as NGINX treats it
                }
                out.add(field);
            }
            exchange.applyResponseHeaders(out);
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstream, org.eclipse.jetty.io.Content.Chunk chunk,
                Runnable demander) {
            if (!chunk.hasRemaining()) {
                demander.run();
                return;
            }
            if (holding) {
                if (hold(chunk.getByteBuffer())) {
                    demander.run();
                    return;
                }
                // longer than the buffer: what was held goes out first, then the response is streamed
                holding = false;
                relayHeaders(upstream);
                java.nio.ByteBuffer first = held == null ? null : held.flip();
                held = null;
                if (first != null) {
                    chunk.retain();
                    response.write(false, first, Callback.from(Callback.InvocationType.NON_BLOCKING, () -> {
                        chunk.release();
                        stream(upstream, chunk, demander);
                    }, x -> {
                        chunk.release();
                        upstream.abort(x);
                    }));
                    return;
                }
            }
            if (!relayed) {
                relayHeaders(upstream);
            }
            stream(upstream, chunk, demander);
        }

        /**
         * Adds {@code bytes} to the held body; false when a chunked body would outgrow {@code upstream.buffer.bytes}
         * (then nothing was added). A body of announced length always fits: the parser enforces Content-Length.
         */
        private boolean hold(java.nio.ByteBuffer bytes) {
            int size = (held == null ? 0 : held.position()) + bytes.remaining();
            if (holdLength < 0 && size > bufferBytes) {
                return false;
            }
            if (held == null || held.remaining() < bytes.remaining()) {
                int capacity = holdLength >= 0 ? (int) holdLength
                        : Math.min(bufferBytes, Math.max(size, held == null ? 4096 : 2 * held.capacity()));
                java.nio.ByteBuffer larger = java.nio.ByteBuffer.allocate(capacity);
                if (held != null) {
                    larger.put(held.flip());
                }
                held = larger;
            }
            held.put(bytes);
            return true;
        }

        /** Writes one chunk to the client; the backend is read on once the client took it. */
        private void stream(org.eclipse.jetty.client.Response upstream, org.eclipse.jetty.io.Content.Chunk chunk,
                Runnable demander) {
            chunk.retain();
            response.write(false, chunk.getByteBuffer(), new Callback() {
                @Override
                public void succeeded() {
                    chunk.release();
                    demander.run();
                }

                @Override
                public void failed(Throwable x) {
                    chunk.release();
                    upstream.abort(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return InvocationType.NON_BLOCKING;
                }
            });
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstream, java.nio.ByteBuffer content) {
            throw new UnsupportedOperationException("content is streamed with demand");
        }

        @Override
        public void onComplete(org.eclipse.jetty.client.Result result) {
            long latency = System.nanoTime() - startNanos;
            if (result.isSucceeded()) {
                org.eclipse.jetty.client.Response upstream = result.getResponse();
                lease.succeeded(upstream.getStatus(), latency);
                if (!relayed) {
                    relayHeaders(upstream);
                }
                java.nio.ByteBuffer body = held;
                held = null;
                response.write(true, body == null ? null : body.flip(), callback);
                return;
            }
            held = null;
            Throwable clientFailure = body == null ? null : body.clientFailure;
            if (clientFailure != null) {
                // the client went away or cut its body short: not the backend's failure (NGINX logs it as 499)
                lease.succeeded(CLIENT_CLOSED, latency);
                metrics.error();
                callback.failed(clientFailure);
                return;
            }
            Throwable failure = result.getFailure();
            lease.failed(failure);
            metrics.upstreamError();
            if (!relayed && canRetry(failure)) {
                Set<String> next = new HashSet<>(excluded);
                next.add(lease.backend().id());
                LOG.debug("Retrying {} {} elsewhere after {} failed: {}", exchange.method(), exchange.rawPath(),
                        lease.backend().id(), failure.toString());
                attempt(exchange, request, response, callback, next, tryNumber + 1);
                return;
            }
            if (response.isCommitted()) {
                metrics.error();
                callback.failed(failure);
                return;
            }
            metrics.error();
            if (failure instanceof TimeoutException) {
                ErrorResponses.send(request, response, callback, 504, "upstream timed out");
            } else {
                ErrorResponses.send(request, response, callback, 502, "upstream unavailable");
            }
        }

        /**
         * Retry only what cannot reach the backend's application twice with a different effect: a request of which
         * not a byte went out, or an idempotent one without a body. Never after a timeout (the backend may still be
         * working on it).
         */
        private boolean canRetry(Throwable failure) {
            if (tryNumber >= maxTries || failure instanceof TimeoutException) {
                return false;
            }
            if (!committed) {
                return true; // not a byte of the request went out, so its body was not read either
            }
            return body == null && idempotent(request.getMethod());
        }
    }
}
