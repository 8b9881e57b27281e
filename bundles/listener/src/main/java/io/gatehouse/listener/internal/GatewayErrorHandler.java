package io.gatehouse.listener.internal;

import io.gatehouse.api.http.Exchange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own error responses (malformed requests, oversized headers, handler failures) in the gateway's JSON shape,
 * never a stack trace. They carry the exchange's response headers when the request got as far as becoming an
 * exchange; when it did not (a bad request line, a 431 for an oversized header block), the filters named in
 * {@code error.header.filters} (by default the security headers) run on a stand-in exchange so these answers carry
 * the same headers, and a fresh request id.
 */
final class GatewayErrorHandler extends ErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayErrorHandler.class);

    private final FilterChain chain;
    private final Set<String> headerFilters;

    GatewayErrorHandler(FilterChain chain, Set<String> headerFilters) {
        this.chain = chain;
        this.headerFilters = headerFilters;
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        JettyExchange exchange = (JettyExchange) request.getAttribute(JettyExchange.ATTRIBUTE);
        if (status < 400 && status >= 300) {
            // Jetty routes bodiless answers such as 304 Not Modified through here too
            if (exchange != null) {
                exchange.applyResponseHeaders(response.getHeaders());
            }
            response.write(true, null, callback);
            return true;
        }
        status = status >= 400 ? status : 500;
        if (exchange != null) {
            ErrorResponses.send(request, response, callback, status, reason(status));
            return true;
        }
        ErrorExchange standIn = decorate(request.isSecure() || request.getConnectionMetaData().isSecure() ? "https" : "http");
        ErrorResponses.send(request, response, callback, status, reason(status), standIn.headers(), standIn.requestId);
        standIn.complete();
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ErrorExchange standIn = decorate("https");
        standIn.headers().forEach(fields::put);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        ByteBuffer body = ByteBuffer.wrap(Json.error(status, reason(status), standIn.requestId)
                .getBytes(StandardCharsets.UTF_8));
        standIn.complete();
        return body;
    }

    /** Runs the header filters on a stand-in for a request that never became an exchange. */
    private ErrorExchange decorate(String scheme) {
        ErrorExchange standIn = new ErrorExchange(scheme);
        decorate(chain, headerFilters, standIn);
        return standIn;
    }

    /**
     * Runs the filters named in {@code names} on {@code exchange} only for the response headers they set (their
     * verdicts are ignored): for answers given before or instead of the filter chain.
     */
    static void decorate(FilterChain chain, Set<String> names, Exchange exchange) {
        for (FilterEntry entry : chain.entries()) {
            if (names.contains(entry.name())) {
                try {
                    entry.filter().filter(exchange);
                } catch (RuntimeException e) {
                    LOG.warn("Filter '{}' failed decorating an error response", entry.name(), e);
                }
            }
        }
    }

    static String reason(int status) {
        String reason = HttpStatus.getMessage(status);
        return reason == null ? "Error" : reason;
    }

    /** What a filter sees of a request Jetty refused before it was parsed: nothing but the scheme and an id. */
    private static final class ErrorExchange implements Exchange {

        private final String scheme;
        final String requestId = RequestIds.generate();
        private final List<String[]> responseHeaders = new ArrayList<>(8);

        ErrorExchange(String scheme) {
            this.scheme = scheme;
        }

        java.util.Map<String, String> headers() {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            for (String[] header : responseHeaders) {
                out.put(header[0], header[1]);
            }
            out.put(RequestIds.HEADER, requestId);
            return out;
        }

        @Override public String method() { return ""; }
        @Override public String path() { return "/"; }
        @Override public String rawPath() { return "/"; }
        @Override public String query() { return null; }
        @Override public String scheme() { return scheme; }
        @Override public String header(String name) { return null; }
        @Override public List<String> headers(String name) { return List.of(); }
        @Override public List<String> headerNames() { return List.of(); }
        @Override public long contentLength() { return -1; }
        @Override public String peerAddress() { return ""; }
        @Override public String clientAddress() { return ""; }
        @Override public String requestId() { return requestId; }
        @Override public Object attribute(String name) { return null; }
        @Override public void setAttribute(String name, Object value) { }

        /** Completion actions a filter registered: run once the stand-in's answer is made (the exchange's end). */
        private final List<Runnable> completionActions = new ArrayList<>(2);

        @Override
        public void onComplete(Runnable action) {
            completionActions.add(action);
        }

        void complete() {
            for (Runnable action : completionActions) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("A filter's completion action failed after an error response", e);
                }
            }
            completionActions.clear();
        }

        @Override
        public void setResponseHeader(String name, String value) {
            if (name == null || value == null) {
                throw new IllegalArgumentException("response header name and value are required, got " + name + ": " + value);
            }
            responseHeaders.removeIf(h -> h[0].equalsIgnoreCase(name));
            responseHeaders.add(new String[] {name, value});
        }
    }
}
