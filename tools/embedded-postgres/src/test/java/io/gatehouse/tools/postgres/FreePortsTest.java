package io.gatehouse.tools.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreDistinctBindableAndOutsideTheEphemeralRange() throws Exception {
        int ephemeralLow = FreePorts.ephemeralLow();
        assertTrue(ephemeralLow >= 1024, "the ephemeral range read: " + ephemeralLow);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertTrue(ports.add(port), "handed out twice: " + port);
            if (ephemeralLow - 1 - 10_000 >= 1000) {
                assertTrue(port >= 10_000 && port < ephemeralLow, port + " is in the ephemeral range from " + ephemeralLow);
            }
        }
        int port = ports.iterator().next();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port));
            assertEquals(port, server.getLocalPort());
        }
    }
}
