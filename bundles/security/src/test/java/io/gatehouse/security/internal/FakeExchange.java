package io.gatehouse.security.internal;

import io.gatehouse.api.http.Exchange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A request for unit tests: method, raw path, client, scheme and Content-Length; records response headers. */
final class FakeExchange implements Exchange {

    private final String method;
    private final String rawPath;
    private final String client;
    String scheme = "https";
    String query;
    long contentLength = -1;
    final Map<String, String> responseHeaders = new HashMap<>();

    FakeExchange(String method, String rawPath, String client) {
        this.method = method;
        this.rawPath = rawPath;
        this.client = client;
    }

    @Override public String method() { return method; }
    @Override public String path() { return rawPath; }
    @Override public String rawPath() { return rawPath; }
    @Override public String query() { return query; }
    @Override public String scheme() { return scheme; }
    @Override public String header(String name) { return null; }
    @Override public List<String> headers(String name) { return List.of(); }
    @Override public List<String> headerNames() { return List.of(); }
    @Override public long contentLength() { return contentLength; }
    @Override public String peerAddress() { return client; }
    @Override public String clientAddress() { return client; }
    @Override public String requestId() { return "req-1"; }
    @Override public Object attribute(String name) { return null; }
    @Override public void setAttribute(String name, Object value) { }
    @Override public void setResponseHeader(String name, String value) { responseHeaders.put(name, value); }
    @Override public void onComplete(Runnable action) { }
}
