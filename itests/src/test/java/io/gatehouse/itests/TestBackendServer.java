package io.gatehouse.itests;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A small real HTTP backend inside the container: {@code /health} and any other path answer 200 with its id. */
final class TestBackendServer {

    private final int port;
    private HttpServer server;
    private ExecutorService executor;

    TestBackendServer(int port) {
        this.port = port;
    }

    String id() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    synchronized boolean running() {
        return server != null;
    }

    /** Starts it (again), retrying the bind for a while if the port is still being released. */
    synchronized void start() {
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
                byte[] body = ("{\"backend\":\"" + id() + "\"}").getBytes(StandardCharsets.UTF_8);
                s.createContext("/", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                executor = Executors.newFixedThreadPool(8);
                s.setExecutor(executor);
                s.start();
                server = s;
                return;
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("could not bind " + id(), e);
                }
                Thread.onSpinWait();
                sleepBriefly();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Kills it: the port refuses connections from now on. */
    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
