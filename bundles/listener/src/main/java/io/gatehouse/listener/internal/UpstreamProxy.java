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
 * backend), streaming both bodies (a small response of known length is held whole first, see {@link Attempt}). A
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
        if (hasBody) {
            upstream.body(new ContentSourceRequestContent(request, request.getHeaders().get(HttpHeader.CONTENT_TYPE)));
        }
        Attempt attempt = new Attempt(exchange, request, response, callback, lease, excluded, tryNumber, hasBody);
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
     * elsewhere (when {@link #canRetry} allows). A response of known length up to {@code upstream.buffer.bytes} is
     * held whole and written with its headers in one go: a backend that dies half-way through it costs the client
     * nothing but a retry (NGINX's {@code proxy_next_upstream} gives up once a byte has arrived), and the client's
     * connection gets one write instead of two. Anything longer, or of unknown length (chunked, event streams), is
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
        private final boolean hasBody;
        private final long startNanos = System.nanoTime();
        volatile boolean committed;
        /** The backend's status and headers have been copied onto the client's response: no retry from here on. */
        private volatile boolean relayed;
        /** The length of a response body to hold whole (known, within the buffer limit), else 0. */
        private int holdLength;
        /** The held body so far, allocated at its first bytes. */
        private java.nio.ByteBuffer held;

        Attempt(JettyExchange exchange, Request request, Response response, Callback callback, Lease lease,
                Set<String> excluded, int tryNumber, boolean hasBody) {
            this.exchange = exchange;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.lease = lease;
            this.excluded = excluded;
            this.tryNumber = tryNumber;
            this.hasBody = hasBody;
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response upstream) {
            committed = true; // the backend answers, so it has the request, even if its commit was not seen yet
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstream) {
            long length = upstream.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            if (length > 0 && length <= bufferBytes) {
                holdLength = (int) length;
            }
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
            if (holdLength > 0) {
                if (held == null) {
                    held = java.nio.ByteBuffer.allocate(holdLength);
                }
                // the parser enforces Content-Length, so the body fits what was allocated for it
                held.put(chunk.getByteBuffer());
                demander.run();
                return;
            }
            if (!relayed) {
                relayHeaders(upstream);
            }
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
            return !hasBody && idempotent(request.getMethod());
        }
    }
}
