package io.gatehouse.listener.internal;

import io.gatehouse.api.http.Verdict;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request: plain HTTP is redirected to HTTPS; HTTPS requests become an exchange, run through the filter chain
 * (a delay is scheduled, never slept) and are then served from a static route or proxied upstream. The wrapped
 * handler serves the static routes.
 */
final class GatewayHandler extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    private final FilterChain chain;
    private final StaticRoutes staticRoutes;
    private final UpstreamProxy proxy;
    private final WebSocketTunnel webSockets;
    private final GatewayMetrics metrics;
    private final TrustedProxies trustedProxies;
    private final int redirectPort;
    private final int maxHeaders;
    private final int maxTargetBytes;
    private final boolean accessLog;
    private final boolean filtersOnWorker;
    private final java.util.Set<String> errorHeaderFilters;
    private final GatewayMetrics.Route proxyRoute;

    GatewayHandler(FilterChain chain, StaticRoutes staticRoutes, UpstreamProxy proxy, WebSocketTunnel webSockets,
            GatewayMetrics metrics, TrustedProxies trustedProxies, ListenerConfig config,
            java.util.Set<String> errorHeaderFilters) {
        super(staticRoutes.newHandler(config.gzip_min_bytes()));
        this.chain = chain;
        this.staticRoutes = staticRoutes;
        this.proxy = proxy;
        this.webSockets = webSockets;
        this.metrics = metrics;
        this.trustedProxies = trustedProxies;
        this.redirectPort = config.redirect_port() > 0 ? config.redirect_port() : config.https_port();
        this.maxHeaders = config.max_request_headers();
        this.maxTargetBytes = config.max_request_line_bytes();
        this.accessLog = config.access_log();
        this.filtersOnWorker = config.filters_on_worker();
        this.errorHeaderFilters = errorHeaderFilters;
        this.proxyRoute = metrics.route(GatewayMetrics.PROXY_ROUTE);
    }

    /**
     * Non-blocking: Jetty runs the handler on the thread that parsed the request (no hand-off to a worker), which
     * on a small server is most of the cost of a proxied request. Nothing here blocks: filters must not (api
     * contract; {@code filters.on.worker} moves them to a worker for those that do), the proxy is asynchronous,
     * delays are scheduled, and static files are served on a worker thread.
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!request.isSecure()) {
            HttpsRedirect.send(request, response, Callback.from(() -> LingeringBody.thenSucceed(request, null, callback),
                    callback::failed), redirectPort);
            return true;
        }
        long start = System.nanoTime();
        JettyExchange exchange = new JettyExchange(request, trustedProxies, start);
        request.setAttribute(JettyExchange.ATTRIBUTE, exchange);
        Completion done = new Completion(exchange, request, response, callback);
        if (request.getHeaders().size() > maxHeaders) {
            GatewayErrorHandler.decorate(chain, errorHeaderFilters, exchange);
            ErrorResponses.send(request, response, done, 431, "too many request headers (limit " + maxHeaders + ")");
            return true;
        }
        String target = request.getHttpURI().getPathQuery();
        if (target != null && target.length() > maxTargetBytes) {
            GatewayErrorHandler.decorate(chain, errorHeaderFilters, exchange);
            ErrorResponses.send(request, response, done, 414, "request target longer than " + maxTargetBytes + " bytes");
            return true;
        }
        if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
            if (!WebSocketTunnel.isWebSocketUpgrade(request)) {
                GatewayErrorHandler.decorate(chain, errorHeaderFilters, exchange);
                ErrorResponses.send(request, response, done, 501, "only WebSocket upgrades are proxied");
                return true;
            }
            exchange.webSocket = done;
        } else if (WebSocketTunnel.isExtendedConnect(request)) {
            if (!WebSocketTunnel.isWebSocketConnect(request)) {
                GatewayErrorHandler.decorate(chain, errorHeaderFilters, exchange);
                ErrorResponses.send(request, response, done, 501, "only the websocket protocol is tunnelled, not '"
                        + request.getTunnelSupport().getProtocol() + "'");
                return true;
            }
            exchange.webSocket = done;
        }
        if (filtersOnWorker) {
            FilterEntry[] entries = chain.entries();
            getServer().getThreadPool().execute(() -> runChain(entries, 0, exchange, request, response, done));
        } else {
            runChain(chain.entries(), 0, exchange, request, response, done);
        }
        return true;
    }

    private void runChain(FilterEntry[] entries, int from, JettyExchange exchange, Request request, Response response,
            Callback callback) {
        for (int i = from; i < entries.length; i++) {
            FilterEntry entry = entries[i];
            entry.seen.increment();
            Verdict verdict;
            try {
                verdict = entry.filter().filter(exchange);
            } catch (RuntimeException e) {
                entry.failed.increment();
                LOG.error("Request filter '{}' failed on {} {}", entry.name(), exchange.method(), exchange.rawPath(), e);
                metrics.error();
                ErrorResponses.send(request, response, callback, 500, "request filter failed");
                return;
            }
            if (verdict == null || verdict == Verdict.proceed()) {
                continue;
            }
            if (verdict.isRejection()) {
                entry.rejected.increment();
                ErrorResponses.send(request, response, callback, verdict.status(), verdict.message(), verdict.headers());
                return;
            }
            if (verdict.delayMillis() > 0) {
                entry.delayed.increment();
                int next = i + 1;
                Scheduler scheduler = getServer().getScheduler();
                scheduler.schedule(() -> getServer().getThreadPool().execute(
                        () -> runChain(entries, next, exchange, request, response, callback)),
                        verdict.delayMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
        route(exchange, request, response, callback);
    }

    private void route(JettyExchange exchange, Request request, Response response, Callback callback) {
        String path = exchange.path();
        if (staticRoutes.match(path) == null) {
            if (exchange.webSocket != null) {
                webSockets.open(exchange, request, response, callback, exchange.webSocket);
            } else {
                proxy.proxy(exchange, request, response, callback);
            }
            return;
        }
        if (exchange.webSocket != null) {
            ErrorResponses.send(request, response, callback, 404, "no WebSocket endpoint under a static route");
            return;
        }
        HttpFields.Mutable headers = response.getHeaders();
        exchange.applyResponseHeaders(headers);
        String cacheControl = staticRoutes.cacheControl(path);
        if (cacheControl != null) {
            headers.put(HttpHeader.CACHE_CONTROL, cacheControl);
        }
        // file I/O may block: never on the thread that runs the connections
        getServer().getThreadPool().execute(() -> serveStatic(path, request, response, callback));
    }

    private void serveStatic(String path, Request request, Response response, Callback callback) {
        try {
            if (!super.handle(request, response, callback)) {
                ErrorResponses.send(request, response, callback, 404, "not found");
            }
        } catch (Exception e) {
            LOG.error("Serving static {} failed", path, e);
            metrics.error();
            ErrorResponses.send(request, response, callback, 500, "internal error");
        }
    }

    /** The route-labelled instruments for {@code path}: its static route's prefix, or the proxy. */
    private GatewayMetrics.Route routeMetrics(String path) {
        StaticRoutes.Route route = staticRoutes.match(path);
        return route == null ? proxyRoute : metrics.route(route.prefix());
    }

    /** The end of an exchange that outlives its HTTP response: a WebSocket tunnel ends when it closes. */
    interface Deferrable {

        /** The exchange does not end with its response; {@link #finishDeferred} ends it. */
        void defer();

        void finishDeferred(int status);
    }

    /** Ends an exchange: metrics, access log, the exchange's completion actions, then Jetty's callback. */
    private final class Completion implements Callback, Deferrable {

        private final JettyExchange exchange;
        private final Request request;
        private final Response response;
        private final Callback delegate;
        private volatile boolean deferred;
        private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

        Completion(JettyExchange exchange, Request request, Response response, Callback delegate) {
            this.exchange = exchange;
            this.request = request;
            this.response = response;
            this.delegate = delegate;
        }

        @Override
        public void defer() {
            deferred = true;
        }

        @Override
        public void finishDeferred(int status) {
            finish(status);
        }

        @Override
        public void succeeded() {
            if (!deferred) {
                finish(response.getStatus());
            }
            releaseUnread();
            LingeringBody.thenSucceed(request, exchange.body, delegate);
        }

        @Override
        public void failed(Throwable x) {
            releaseUnread();
            metrics.error();
            finish(response.isCommitted() ? response.getStatus() : 500, true);
            delegate.failed(x);
        }

        private void releaseUnread() {
            if (exchange.body != null) {
                exchange.body.releaseUnread();
            }
        }

        private void finish(int status) {
            finish(status, false);
        }

        private void finish(int status, boolean failed) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            long latency = System.nanoTime() - exchange.startNanos();
            metrics.request(status, latency);
            routeMetrics(exchange.path()).request(status, latency, failed);
            if (accessLog && AccessLog.enabled()) {
                AccessLog.log(exchange, status, latency, Response.getContentBytesWritten(response));
            }
            exchange.complete();
        }

        @Override
        public InvocationType getInvocationType() {
            return delegate.getInvocationType();
        }
    }
}
