package io.gatehouse.tools.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports that are free now, for servers a test starts later (a container configured before it boots, a backend bound
 * in a test's setup). A port from {@code bind(0)} is an ephemeral one: until the server binds it, the kernel may give
 * it to an outgoing connection as its local port, and a long-lived one (a connection pool) keeps it, so the server's
 * bind fails with "Address already in use". These ports come from below the kernel's ephemeral range instead, where
 * outgoing connections never get one; each is handed out once per JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port no server listens on now, below the ephemeral range when it leaves room, else an ephemeral one. */
    public static int next() throws IOException {
        int highest = ephemeralLow() - 1;
        if (highest - LOWEST >= 1000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
                if (HANDED_OUT.add(port)) {
                    if (bindable(port)) {
                        return port;
                    }
                }
            }
        }
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    /** The low end of the kernel's ephemeral port range (Linux), 32768 when it cannot be read. */
    static int ephemeralLow() {
        try {
            // read line by line: /proc files report a size of 0, which whole-file reads trust
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
