package io.gatehouse.strategies.internal;

import io.gatehouse.api.http.Exchange;
import java.util.List;

/** A GET from {@code client}: all a strategy reads. */
record TestExchange(String client) implements Exchange {

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public String rawPath() {
        return "/";
    }

    @Override
    public String query() {
        return null;
    }

    @Override
    public String scheme() {
        return "https";
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public List<String> headers(String name) {
        return List.of();
    }

    @Override
    public List<String> headerNames() {
        return List.of();
    }

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public String peerAddress() {
        return client;
    }

    @Override
    public String clientAddress() {
        return client;
    }

    @Override
    public String requestId() {
        return "test";
    }

    @Override
    public Object attribute(String name) {
        return null;
    }

    @Override
    public void setAttribute(String name, Object value) {
    }

    @Override
    public void setResponseHeader(String name, String value) {
    }

    @Override
    public void onComplete(Runnable action) {
    }
}
