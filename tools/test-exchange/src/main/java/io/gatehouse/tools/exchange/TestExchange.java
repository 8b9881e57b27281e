package io.gatehouse.tools.exchange;

import io.gatehouse.api.http.Exchange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as the listener presents it to request filters, for tests: method, raw path (also the normalised path),
 * client address (peer and client alike), https by default; request headers, query, scheme and Content-Length set
 * fluently. It records the response headers filters set and the completion callbacks, run by {@link #complete()}.
 * One exchange belongs to one thread, as a real one does.
 */
public final class TestExchange implements Exchange {

    private final String method;
    private final String rawPath;
    private final String client;
    private String scheme = "https";
    private String query;
    private long contentLength = -1;
    private final Map<String, String> requestHeaders = new LinkedHashMap<>();
    private final Map<String, String> responseHeaders = new HashMap<>();
    private final Map<String, Object> attributes = new HashMap<>();
    private final List<Runnable> completions = new ArrayList<>();

    public TestExchange(String method, String rawPath, String client) {
        this.method = method;
        this.rawPath = rawPath;
        this.client = client;
    }

    /** Adds a request header (names are case-insensitive). */
    public TestExchange header(String name, String value) {
        requestHeaders.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    public TestExchange scheme(String value) {
        scheme = value;
        return this;
    }

    public TestExchange query(String value) {
        query = value;
        return this;
    }

    /** The declared Content-Length; -1 (the default) when none is declared. */
    public TestExchange contentLength(long value) {
        contentLength = value;
        return this;
    }

    /** The response headers the filters set, by name as set. */
    public Map<String, String> responseHeaders() {
        return Collections.unmodifiableMap(responseHeaders);
    }

    public String responseHeader(String name) {
        return responseHeaders.get(name);
    }

    /** Ends the exchange: runs the {@link #onComplete} callbacks once, as the listener does. */
    public void complete() {
        List<Runnable> run = new ArrayList<>(completions);
        completions.clear();
        run.forEach(Runnable::run);
    }

    @Override public String method() { return method; }
    @Override public String path() { return rawPath; }
    @Override public String rawPath() { return rawPath; }
    @Override public String query() { return query; }
    @Override public String scheme() { return scheme; }
    @Override public String header(String name) { return requestHeaders.get(name.toLowerCase(Locale.ROOT)); }

    @Override
    public List<String> headers(String name) {
        String value = header(name);
        return value == null ? List.of() : List.of(value);
    }

    @Override public List<String> headerNames() { return List.copyOf(requestHeaders.keySet()); }
    @Override public long contentLength() { return contentLength; }
    @Override public String peerAddress() { return client; }
    @Override public String clientAddress() { return client; }
    @Override public String requestId() { return "test"; }
    @Override public Object attribute(String name) { return attributes.get(name); }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override public void setResponseHeader(String name, String value) { responseHeaders.put(name, value); }
    @Override public void onComplete(Runnable action) { completions.add(action); }
}
