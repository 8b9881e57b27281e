package io.gatehouse.listener.internal;

import java.io.IOException;
import java.net.ServerSocket;

final class TestPorts {

    private TestPorts() {
    }

    /** A port nothing listens on (bound then released). */
    static int unused() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
