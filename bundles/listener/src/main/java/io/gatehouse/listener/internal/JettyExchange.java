package io.gatehouse.listener.internal;

import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.FixedHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts one Jetty request to the api's {@link Exchange}; filters and strategies never see Jetty types. */
final class JettyExchange implements Exchange {

    static final String ATTRIBUTE = JettyExchange.class.getName();
    private static final Logger LOG = LoggerFactory.getLogger(JettyExchange.class);

    private final Request request;
    private final TrustedProxies trustedProxies;
    private final String requestId;
    private final long startNanos;
    private String peer;
    private String client;
    private Map<String, Object> attributes;
    private List<HttpField> responseHeaders;
    private List<Runnable> completions;
    private final AtomicBoolean completed = new AtomicBoolean();
    volatile String backend;
    /** Set when the request asks for a WebSocket upgrade: how the exchange ends once the tunnel closes. */
    GatewayHandler.Deferrable webSocket;
    /** The request's body as the proxy reads it, once the request is proxied and has one. */
    volatile ClientBody body;

    private final String method;

    JettyExchange(Request request, TrustedProxies trustedProxies, long startNanos) {
        this.request = request;
        this.trustedProxies = trustedProxies;
        this.startNanos = startNanos;
        this.requestId = RequestIds.accept(request.getHeaders().get(RequestIds.HEADER));
        String requested = request.getMethod();
        // a WebSocket opened over HTTP/2 (extended CONNECT, RFC 8441) is what a GET with Upgrade is over HTTP/1.1, and
        // goes upstream as one: filters, logs and metrics see it the same way whatever the client's protocol (read
        // now: once the exchange has ended, the request no longer answers about its stream)
        this.method = HttpMethod.CONNECT.is(requested) && WebSocketTunnel.isWebSocketConnect(request)
                ? HttpMethod.GET.asString() : requested;
    }

    long startNanos() {
        return startNanos;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        String path = request.getHttpURI().getDecodedPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String rawPath() {
        String path = request.getHttpURI().getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public String scheme() {
        return request.isSecure() ? "https" : "http";
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    @Override
    public List<String> headerNames() {
        Set<String> names = new LinkedHashSet<>();
        for (HttpField field : request.getHeaders()) {
            names.add(field.getName());
        }
        return List.copyOf(names);
    }

    @Override
    public long contentLength() {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    }

    @Override
    public String peerAddress() {
        if (peer == null) {
            peer = Request.getRemoteAddr(request);
        }
        return peer;
    }

    @Override
    public String clientAddress() {
        if (client == null) {
            client = trustedProxies.clientAddress(peerAddress(), request.getHeaders().getValuesList(HttpHeader.X_FORWARDED_FOR));
        }
        return client;
    }

    /** Whether the TCP peer is a configured trusted proxy (so its X-Forwarded-For is kept and extended). */
    boolean trustedPeer() {
        return trustedProxies.trusts(peerAddress());
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public synchronized Object attribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public synchronized void setAttribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setResponseHeader(String name, String value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("response header name and value are required, got " + name + ": " + value);
        }
        set(new HttpField(name, value));
    }

    /** A header the filter fixed at configuration time goes in pre-encoded: encoded once, for every request. */
    @Override
    public void setResponseHeader(FixedHeader header) {
        if (header == null) {
            throw new IllegalArgumentException("response header is required");
        }
        set(EncodedHeaders.of(header));
    }

    /** Adds {@code field}, or replaces the one of the same name in its place. */
    private synchronized void set(HttpField field) {
        if (responseHeaders == null) {
            responseHeaders = new ArrayList<>(8);
        }
        for (int i = 0; i < responseHeaders.size(); i++) {
            if (responseHeaders.get(i).getName().equalsIgnoreCase(field.getName())) {
                responseHeaders.set(i, field);
                return;
            }
        }
        responseHeaders.add(field);
    }

    /** Puts every header set through {@link #setResponseHeader} (and the request id) on {@code headers}. */
    synchronized void applyResponseHeaders(HttpFields.Mutable headers) {
        headers.put(new HttpField(null, RequestIds.HEADER, requestId));
        if (responseHeaders != null) {
            for (HttpField field : responseHeaders) {
                headers.put(field);
            }
        }
    }

    @Override
    public void onComplete(Runnable action) {
        synchronized (this) {
            if (!completed.get()) {
                if (completions == null) {
                    completions = new ArrayList<>(2);
                }
                completions.add(action);
                return;
            }
        }
        run(action);
    }

    /** Runs the completion actions; only the first call does anything. */
    void complete() {
        List<Runnable> actions;
        synchronized (this) {
            if (!completed.compareAndSet(false, true)) {
                return;
            }
            actions = completions;
            completions = null;
        }
        if (actions != null) {
            for (Runnable action : actions) {
                run(action);
            }
        }
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("An exchange completion action failed: {}", action, e);
        }
    }
}
