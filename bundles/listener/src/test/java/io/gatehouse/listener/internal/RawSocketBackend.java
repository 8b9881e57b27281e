package io.gatehouse.listener.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on raw loopback sockets, one thread per connection, for tests that must control exactly the bytes the
 * gateway's upstream side sees. Subclasses write {@link #serve}.
 */
abstract class RawSocketBackend implements AutoCloseable {

    private final ServerSocket socket;
    /** Connections accepted so far; each is numbered from 0 in the order it came. */
    final AtomicInteger connections = new AtomicInteger();

    RawSocketBackend(String name) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> accept(name), name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    final int port() {
        return socket.getLocalPort();
    }

    private void accept(String name) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                int id = connections.getAndIncrement();
                Thread serving = new Thread(() -> serve(connection, id), name + "-" + id);
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Serves one accepted connection (its number is {@code id}) and closes it. */
    abstract void serve(Socket connection, int id);

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
