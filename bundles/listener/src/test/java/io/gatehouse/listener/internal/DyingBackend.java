package io.gatehouse.listener.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that dies in the middle of every response: it reads a request's head, sends the status line, the headers
 * and the first part of the body, then closes the connection, the way a backend killed mid-response does. With
 * {@code chunked}, the body is announced as chunked and the first chunk is sent before it dies, once {@link #release}
 * is called (so a test can see the chunk reach the client before the backend dies).
 */
final class DyingBackend implements AutoCloseable {

    private final ServerSocket socket;
    private final boolean chunked;
    private final Thread thread;
    private final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger requests = new AtomicInteger();

    DyingBackend(boolean chunked) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.chunked = chunked;
        this.thread = new Thread(this::serve, "dying-backend");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    void release() {
        release.countDown();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                readHead(connection.getInputStream());
                requests.incrementAndGet();
                OutputStream out = connection.getOutputStream();
                if (chunked) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "6\r\nfirst\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    release.await(10, TimeUnit.SECONDS);
                } else {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                            + "{\"partial\":").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed by close(), or the gateway went away first
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head cut short");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        release.countDown();
    }
}
