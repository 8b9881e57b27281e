package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restart count and last exit outlive the supervisor that recorded them, as PM2's outlive a PM2 restart. */
class RestartHistoryTest {

    private static AppContainer container(Path runtime) {
        return new AppContainer(runtime, "app-1", new Backoff(500, 30_000, 60_000));
    }

    @Test
    void aNewSupervisorSeesTheCountAndLastExitOfThePreviousOne(@TempDir Path runtime) {
        AppContainer first = container(runtime);
        assertEquals(0, first.restarts());
        first.died(1_000);
        first.restarted();
        first.ended("memory limit", 2_000);
        first.restarted();

        AppContainer next = container(runtime);
        assertEquals(2, next.restarts());
        assertTrue(next.lastExit().startsWith("memory limit at "), next.lastExit());
        next.restarted();
        assertEquals(3, container(runtime).restarts());
    }

    @Test
    void aDamagedHistoryIsAFreshStartNotAFailure(@TempDir Path runtime) throws Exception {
        Files.createDirectories(runtime.resolve("run"));
        Files.writeString(runtime.resolve("run/app-1.history"), "restarts=many\n");
        AppContainer c = container(runtime);
        assertEquals(0, c.restarts());
        assertEquals("-", c.lastExit());
        c.restarted();
        assertEquals(1, container(runtime).restarts());
    }
}
