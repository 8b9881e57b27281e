package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.http.Exchange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request as the listener would present it, for unit tests. */
final class TestExchange implements Exchange {

    final String method;
    final String path;
    final String client;
    final Map<String, String> requestHeaders = new LinkedHashMap<>();
    final Map<String, String> responseHeaders = new HashMap<>();
    final List<Runnable> completions = new ArrayList<>();
    private final Map<String, Object> attributes = new HashMap<>();

    TestExchange(String method, String path, String client) {
        this.method = method;
        this.path = path;
        this.client = client;
    }

    TestExchange header(String name, String value) {
        requestHeaders.put(name.toLowerCase(), value);
        return this;
    }

    void complete() {
        completions.forEach(Runnable::run);
        completions.clear();
    }

    @Override public String method() { return method; }
    @Override public String path() { return path; }
    @Override public String rawPath() { return path; }
    @Override public String query() { return null; }
    @Override public String scheme() { return "https"; }
    @Override public String header(String name) { return requestHeaders.get(name.toLowerCase()); }
    @Override public List<String> headers(String name) {
        String v = header(name);
        return v == null ? List.of() : List.of(v);
    }
    @Override public List<String> headerNames() { return List.copyOf(requestHeaders.keySet()); }
    @Override public long contentLength() { return -1; }
    @Override public String peerAddress() { return client; }
    @Override public String clientAddress() { return client; }
    @Override public String requestId() { return "test"; }
    @Override public Object attribute(String name) { return attributes.get(name); }
    @Override public void setAttribute(String name, Object value) { attributes.put(name, value); }
    @Override public void setResponseHeader(String name, String value) { responseHeaders.put(name, value); }
    @Override public void onComplete(Runnable action) { completions.add(action); }
}
