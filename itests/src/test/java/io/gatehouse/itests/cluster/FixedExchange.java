package io.gatehouse.itests.cluster;

import io.gatehouse.api.http.Exchange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A request from a fixed client with no headers, as the listener would present it to the filters. */
public final class FixedExchange implements Exchange {

    private final String method;
    private final String path;
    private final String client;
    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, String> responseHeaders = new HashMap<>();

    public FixedExchange(String method, String path, String client) {
        this.method = method;
        this.path = path;
        this.client = client;
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    @Override public String method() { return method; }
    @Override public String path() { return path; }
    @Override public String rawPath() { return path; }
    @Override public String query() { return null; }
    @Override public String scheme() { return "https"; }
    @Override public String header(String name) { return null; }
    @Override public List<String> headers(String name) { return List.of(); }
    @Override public List<String> headerNames() { return List.of(); }
    @Override public long contentLength() { return -1; }
    @Override public String peerAddress() { return client; }
    @Override public String clientAddress() { return client; }
    @Override public String requestId() { return "itest"; }
    @Override public Object attribute(String name) { return attributes.get(name); }
    @Override public void setAttribute(String name, Object value) { attributes.put(name, value); }
    @Override public void setResponseHeader(String name, String value) { responseHeaders.put(name, value); }
    @Override public void onComplete(Runnable action) { }
}
