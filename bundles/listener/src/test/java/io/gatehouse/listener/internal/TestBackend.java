package io.gatehouse.listener.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A small real HTTP backend (JDK HttpServer) that echoes what it received as JSON-ish text. */
final class TestBackend implements AutoCloseable {

    final HttpServer server;
    final String name;
    final AtomicInteger hits = new AtomicInteger();
    final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    final Map<String, String> lastBody = new ConcurrentHashMap<>();

    TestBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            requestHeaders.add(exchange.getRequestHeaders());
            if (exchange.getRequestURI().getPath().matches("/big/[0-9]+")) {
                bigChunked(exchange, Integer.parseInt(exchange.getRequestURI().getPath().substring(5)));
                return;
            }
            byte[] in = exchange.getRequestBody().readAllBytes();
            lastBody.put("body", new String(in, StandardCharsets.UTF_8));
            byte[] out = ("{\"backend\":\"" + name + "\",\"path\":\"" + exchange.getRequestURI() + "\",\"method\":\""
                    + exchange.getRequestMethod() + "\",\"bytes\":" + in.length + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Connection", "keep-alive, X-Secret-Hop");
            exchange.getResponseHeaders().add("X-Secret-Hop", "must not pass");
            exchange.getResponseHeaders().add("Server", "backend/1.0");
            // /status/<code> answers that code as is: no challenge with a 401 or 407, a Location with a redirect
            int status = exchange.getRequestURI().getPath().matches("/status/[1-5][0-9][0-9]")
                    ? Integer.parseInt(exchange.getRequestURI().getPath().substring(8)) : 200;
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().add("Location", "/elsewhere");
            }
            exchange.sendResponseHeaders(status, "HEAD".equals(exchange.getRequestMethod()) ? -1 : out.length);
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    /** /big/N: N bytes of a repeating pattern, chunked (no Content-Length), written 8 KiB at a time. */
    private static void bigChunked(com.sun.net.httpserver.HttpExchange exchange, int size) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        try (java.io.OutputStream out = exchange.getResponseBody()) {
            byte[] piece = new byte[8192];
            for (int sent = 0; sent < size; sent += piece.length) {
                int n = Math.min(piece.length, size - sent);
                for (int i = 0; i < n; i++) {
                    piece[i] = pattern(sent + i);
                }
                out.write(piece, 0, n);
                out.flush();
            }
        }
    }

    static byte pattern(int index) {
        return (byte) ('a' + index % 23);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
