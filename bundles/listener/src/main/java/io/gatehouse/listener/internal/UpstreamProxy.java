package io.gatehouse.listener.internal;

import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.balancer.LoadBalancer;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies an exchange to the backend the {@link LoadBalancer} picks, over the listener's own keep-alive connections
 * ({@link UpstreamPool}), run by the same selector thread as the client's connection. The request body is streamed as
 * the client sends it; so is the response (a small one is held whole first, see {@link Try}). A failure is retried on another backend (bounded) when that is safe: nothing
 * was sent yet, or the request is idempotent and has no body, and nothing of the failed response reached the client.
 * Every outcome is reported to the lease.
 */
final class UpstreamProxy {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);

    private final UpstreamPool pool;
    private final Scheduler scheduler;
    private final Supplier<LoadBalancer> balancer;
    private final GatewayMetrics metrics;
    private final long totalTimeoutMs;
    /** How long a request may wait for a free connection (0: no limit), and the setting that limit comes from. */
    private final long queueLimitMs;
    private final String queueLimitSetting;
    private final int maxTries;
    private final int bufferBytes;
    static final String ACCEL_BUFFERING = "X-Accel-Buffering";
    /** The status a lease is released with when the client, not the backend, ended the exchange early. */
    static final int CLIENT_CLOSED = 499;

    UpstreamProxy(UpstreamPool pool, Scheduler scheduler, Supplier<LoadBalancer> balancer, GatewayMetrics metrics,
            ListenerConfig config) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.balancer = balancer;
        this.metrics = metrics;
        this.totalTimeoutMs = config.upstream_total_timeout_ms();
        long queueTimeoutMs = config.upstream_queue_timeout_ms();
        if (queueTimeoutMs > 0 && (totalTimeoutMs <= 0 || queueTimeoutMs < totalTimeoutMs)) {
            this.queueLimitMs = queueTimeoutMs;
            this.queueLimitSetting = "upstream.queue.timeout.ms";
        } else {
            this.queueLimitMs = totalTimeoutMs;
            this.queueLimitSetting = "upstream.total.timeout.ms";
        }
        this.maxTries = 1 + Math.max(0, config.upstream_retries());
        this.bufferBytes = config.upstream_buffer_bytes();
    }

    void proxy(JettyExchange exchange, Request request, Response response, Callback callback) {
        ClientBody body = body(request);
        exchange.body = body;
        attempt(exchange, request, response, callback, body, Set.of(), 1);
    }

    /**
     * The request's body as the upstream request reads it, or null when it has none: none announced by
     * Content-Length or Transfer-Encoding over HTTP/1, and, over HTTP/2 (where neither need be sent), a stream that
     * ended with its headers. Learning that reads the stream's first chunk, which the body then returns first.
     */
    static ClientBody body(Request request) {
        HttpFields headers = request.getHeaders();
        long length = headers.getLongField(HttpHeader.CONTENT_LENGTH);
        if (length == 0) {
            return null;
        }
        if (length > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING)) {
            return new ClientBody(request, null);
        }
        if (request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            return null;
        }
        Content.Chunk first = request.read();
        if (first != null && first.isLast() && !first.hasRemaining() && !Content.Chunk.isFailure(first)) {
            return null;
        }
        return new ClientBody(request, first);
    }

    private void attempt(JettyExchange exchange, Request request, Response response, Callback callback, ClientBody body,
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
        exchange.backend = lease.backend().id();
        new Try(exchange, request, response, callback, body, lease, excluded, tryNumber).start();
    }

    /**
     * Hands {@code out} each header the backend gets, as name and value: the client's end-to-end ones, then the
     * forwarded ones.
     */
    static void copyRequestHeaders(JettyExchange exchange, Request request, BiConsumer<String, String> out) {
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
            out.accept(field.getName(), field.getValue());
        }
        String peer = exchange.peerAddress();
        String forwardedFor = exchange.trustedPeer() ? in.get(HttpHeader.X_FORWARDED_FOR) : null;
        out.accept(HttpHeader.X_FORWARDED_FOR.asString(), forwardedFor == null ? peer : forwardedFor + ", " + peer);
        out.accept(HttpHeader.X_FORWARDED_PROTO.asString(), exchange.scheme());
        String host = request.getHttpURI().getAuthority();
        if (host == null) {
            host = in.get(HttpHeader.HOST);
        }
        if (host != null) {
            out.accept(HttpHeader.X_FORWARDED_HOST.asString(), host);
            out.accept(HttpHeader.HOST.asString(), host);
        }
        out.accept(RequestIds.HEADER, exchange.requestId());
    }

    private static boolean idempotent(String method) {
        HttpMethod m = HttpMethod.fromString(method);
        return m != null && m.isIdempotent();
    }

    private static String get(Iterable<HttpField> fields, HttpHeader header) {
        for (HttpField field : fields) {
            if (field.getHeader() == header) {
                return field.getValue();
            }
        }
        return null;
    }

    /**
     * One try against one backend. Nothing of the backend's response reaches the client's response before the first
     * byte is written to it, so until then a failed try can still be retried elsewhere (when {@link #canRetry}
     * allows). A response up to {@code upstream.buffer.bytes} is held whole and written with its headers in one go: a
     * backend that dies half-way through it costs the client nothing but a retry (NGINX's {@code proxy_next_upstream}
     * gives up once a byte has arrived), and the client's connection gets one write instead of two. A chunked response
     * is held while it fits, then streamed; a longer one, an event stream ({@code text/event-stream}) or one marked
     * {@code X-Accel-Buffering: no} (NGINX's header for it) is streamed as it arrives, with the backend read only as
     * fast as the client takes it.
     */
    private final class Try implements UpstreamPool.Waiter, UpstreamConnection.Listener {

        private final JettyExchange exchange;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ClientBody body;
        private final Lease lease;
        private final Set<String> excluded;
        private final int tryNumber;
        private final long startNanos = System.nanoTime();
        volatile boolean committed;
        /** The backend's status and headers have been copied onto the client's response: no retry from here on. */
        private volatile boolean relayed;
        /** Why writing the response to the client failed: the client went away, not the backend. */
        volatile Throwable clientFailure;
        /** The response body is being held (see the class comment) rather than streamed. */
        private boolean holding;
        /** Its length when the backend announced it, else -1 (chunked: held while it fits the buffer limit). */
        private long holdLength;
        /** The held body so far, allocated at its first bytes. */
        private ByteBuffer held;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile UpstreamConnection connection;
        /** The time limit while the request waits for a free connection (the connection has its own). */
        private volatile Scheduler.Task waiting;
        private int status;
        private List<HttpField> upstreamHeaders;
        /** A stale keep-alive connection was met once already (see {@link UpstreamConnection#stale}). */
        private boolean retriedStale;

        Try(JettyExchange exchange, Request request, Response response, Callback callback, ClientBody body, Lease lease,
                Set<String> excluded, int tryNumber) {
            this.exchange = exchange;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.body = body;
            this.lease = lease;
            this.excluded = excluded;
            this.tryNumber = tryNumber;
        }

        /** Why the client's side failed, if it did (its body, or the response's writes); else null. */
        private Throwable clientFailure() {
            Throwable failure = body == null ? null : body.clientFailure;
            return failure != null ? failure : clientFailure;
        }

        /** The backend's headers are in: decides between holding and streaming the body. */
        void headers(Iterable<HttpField> headers) {
            long length = -1;
            boolean streamed = false;
            for (HttpField field : headers) {
                HttpHeader header = field.getHeader();
                if (header == HttpHeader.CONTENT_LENGTH) {
                    length = field.getLongValue();
                } else if (header == HttpHeader.CONTENT_TYPE) {
                    streamed |= field.getValue().regionMatches(true, 0, "text/event-stream", 0, 17);
                } else if (header == null && ACCEL_BUFFERING.equalsIgnoreCase(field.getName())) {
                    streamed |= "no".equalsIgnoreCase(field.getValue());
                }
            }
            holdLength = length;
            holding = length < 0 ? bufferBytes > 0 && !streamed : length > 0 && length <= bufferBytes;
        }

        /** Copies the backend's status and end-to-end headers, then the exchange's own, onto the client's response. */
        private void relayHeaders(int status, Iterable<HttpField> in) {
            relayed = true;
            response.setStatus(status);
            HttpFields.Mutable out = response.getHeaders();
            String connection = get(in, HttpHeader.CONNECTION);
            for (HttpField field : in) {
                HttpHeader header = field.getHeader();
                if (header != null) {
                    if (HopByHop.RESPONSE.contains(header)) {
                        continue;
                    }
                } else if (ACCEL_BUFFERING.equalsIgnoreCase(field.getName())) {
                    continue; // an instruction to the gateway, as NGINX treats it
                }
                if (connection != null && HopByHop.listedIn(connection, field.getName())) {
                    continue;
                }
                out.add(field);
            }
            exchange.applyResponseHeaders(out);
        }

        /**
         * A piece of the response body: held, or written to the client.
         *
         * @param next runs once the client took the piece, when this returns true
         * @param abort stops the backend's response when the client's side failed
         * @return false when the piece was consumed at once (held), true when {@code next} will run
         */
        boolean content(int status, Iterable<HttpField> headers, ByteBuffer piece, Runnable next,
                Consumer<Throwable> abort) {
            if (holding) {
                if (hold(piece)) {
                    return false;
                }
                // longer than the buffer: what was held goes out first, then the response is streamed
                holding = false;
                relayHeaders(status, headers);
                ByteBuffer first = held == null ? null : held.flip();
                held = null;
                if (first != null) {
                    response.write(false, first, written(() -> write(piece, next, abort), abort));
                    return true;
                }
            }
            if (!relayed) {
                relayHeaders(status, headers);
            }
            write(piece, next, abort);
            return true;
        }

        private void write(ByteBuffer piece, Runnable next, Consumer<Throwable> abort) {
            response.write(false, piece, written(next, abort));
        }

        private Callback written(Runnable next, Consumer<Throwable> abort) {
            return Callback.from(Callback.InvocationType.NON_BLOCKING, next, x -> {
                clientFailure = x;
                abort.accept(x);
            });
        }

        /**
         * Adds {@code bytes} to the held body; false when a chunked body would outgrow {@code upstream.buffer.bytes}
         * (then nothing was added). A body of announced length always fits: the parser enforces Content-Length.
         */
        private boolean hold(ByteBuffer bytes) {
            int size = (held == null ? 0 : held.position()) + bytes.remaining();
            if (holdLength < 0 && size > bufferBytes) {
                return false;
            }
            if (held == null || held.remaining() < bytes.remaining()) {
                int capacity = holdLength >= 0 ? (int) holdLength
                        : Math.min(bufferBytes, Math.max(size, held == null ? 4096 : 2 * held.capacity()));
                ByteBuffer larger = ByteBuffer.allocate(capacity);
                if (held != null) {
                    larger.put(held.flip());
                }
                held = larger;
            }
            held.put(bytes);
            return true;
        }

        /** The whole response arrived: what is held goes out with the headers, if they are not out yet. */
        void succeeded(int status, Iterable<HttpField> headers) {
            lease.succeeded(status, System.nanoTime() - startNanos);
            if (!relayed) {
                relayHeaders(status, headers);
            }
            ByteBuffer body = held;
            held = null;
            response.write(true, body == null ? null : body.flip(), callback);
        }

        /** The try failed: retried elsewhere when safe, else answered 502/504 (or cut, once the response began). */
        void fail(Throwable failure) {
            long latency = System.nanoTime() - startNanos;
            held = null;
            Throwable clientGone = clientFailure();
            if (clientGone != null) {
                // the client went away or cut its body short: not the backend's failure (NGINX logs it as 499)
                lease.succeeded(CLIENT_CLOSED, latency);
                metrics.error();
                callback.failed(clientGone);
                return;
            }
            if (failure instanceof UpstreamPool.Saturated saturated) {
                // the gateway's own connection limit turned the request away before a byte went out: the backend did
                // not fail, so it is not blamed (its latency average does see the wait, which steers p2c-ewma away)
                int status = saturated.timedOut ? 504 : 503;
                lease.succeeded(status, latency);
                metrics.error();
                LOG.debug("{} {} turned away: {}", exchange.method(), exchange.rawPath(), saturated.getMessage());
                ErrorResponses.send(request, response, callback, status,
                        saturated.timedOut ? "upstream busy: no connection came free in time" : "upstream busy");
                return;
            }
            lease.failed(failure);
            metrics.upstreamError();
            if (!relayed && canRetry(failure)) {
                Set<String> next = new HashSet<>(excluded);
                next.add(lease.backend().id());
                LOG.debug("Retrying {} {} elsewhere after {} failed: {}", exchange.method(), exchange.rawPath(),
                        lease.backend().id(), failure.toString());
                attempt(exchange, request, response, callback, body, next, tryNumber + 1);
                return;
            }
            metrics.error();
            if (response.isCommitted()) {
                callback.failed(failure);
            } else if (failure instanceof TimeoutException) {
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

        void start() {
            pool.acquire(lease.backend(), this);
        }

        @Override
        public void queued() {
            if (queueLimitMs > 0) {
                waiting = scheduler.schedule(this::waitedTooLong, queueLimitMs, TimeUnit.MILLISECONDS);
            }
        }

        private void waitedTooLong() {
            if (connection == null) {
                onFailure(new UpstreamPool.Saturated("no connection to " + lease.backend().id()
                        + " came free within " + queueLimitSetting + " " + queueLimitMs, true));
            }
        }

        @Override
        public boolean ready(UpstreamConnection upstream) {
            if (finished.get()) {
                return false;
            }
            connection = upstream;
            committed = true;
            long timeoutMs = totalTimeoutMs;
            Scheduler.Task task = waiting;
            if (task != null) {
                task.cancel();
                if (totalTimeoutMs > 0) {
                    // the exchange's time limit covers its wait
                    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                    timeoutMs = Math.max(1, totalTimeoutMs - waited);
                }
            }
            boolean chunked = body != null && body.getLength() < 0;
            upstream.send(head(upstream.head(), chunked), HttpMethod.HEAD.is(request.getMethod()), body, chunked,
                    timeoutMs, this);
            return true;
        }

        /** The request line and headers, in HTTP/1.1, written into {@code head}. */
        private RequestHead head(RequestHead head, boolean chunked) {
            HttpURI uri = request.getHttpURI();
            head.requestLine(request.getMethod(), uri.getPath(), uri.getQuery());
            copyRequestHeaders(exchange, request, head::field);
            if (chunked) {
                head.field(HttpHeader.TRANSFER_ENCODING.asString(), "chunked");
            }
            return head.end();
        }

        @Override
        public void onHeaders(int code, List<HttpField> headers) {
            status = code;
            upstreamHeaders = headers;
            headers(headers);
        }

        @Override
        public boolean onContent(ByteBuffer content, Runnable resume) {
            return content(status, upstreamHeaders, content, resume, x -> connection.abort(x));
        }

        @Override
        public void onComplete(int code, List<HttpField> headers) {
            if (end()) {
                succeeded(code, headers);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            UpstreamConnection failed = connection;
            if (failed != null && failed.stale() && !retriedStale && !(failure instanceof TimeoutException)
                    && body == null && idempotent(request.getMethod()) && !finished.get()) {
                // the backend had closed this keep-alive connection: not its failure; once more, on a new connection
                retriedStale = true;
                connection = null;
                LOG.debug("{} {}: a kept-alive connection to {} was closed by the backend ({}); trying a new one",
                        exchange.method(), exchange.rawPath(), lease.backend().id(), failure.toString());
                pool.acquireNew(lease.backend(), this);
                return;
            }
            if (end()) {
                fail(failure);
            }
        }

        @Override
        public void failed(Throwable failure) {
            onFailure(failure); // no connection to the backend (refused, timed out, or too many waiting)
        }

        private boolean end() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            Scheduler.Task task = waiting;
            if (task != null) {
                task.cancel();
                if (connection == null) {
                    pool.abandon(lease.backend(), this);
                }
            }
            return true;
        }
    }
}
