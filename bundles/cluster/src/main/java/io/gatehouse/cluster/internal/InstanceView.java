package io.gatehouse.cluster.internal;

import java.time.Duration;

/** What the supervisor knows about one app container at a moment. */
public record InstanceView(String name, String state, long pid, int port, Duration uptime, int restarts,
        String lastExit, long memoryBytes, double cpuSeconds) {
}
