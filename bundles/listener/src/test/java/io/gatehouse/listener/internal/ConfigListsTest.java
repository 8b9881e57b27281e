package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigListsTest {

    @Test
    void numbersOutOfRangeAreRefusedByName() {
        assertDoesNotThrow(() -> ConfigLists.checkNumbers(Configs.config(Map.of())));
        assertDoesNotThrow(() -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_buffer_bytes", 0))));

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_buffer_bytes", -1))));
        assertEquals("upstream.buffer.bytes must be from 0 to 16777216, was -1", negative.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_buffer_bytes", 16_777_217))));
        assertEquals("upstream.buffer.bytes must be from 0 to 16777216, was 16777217", huge.getMessage());
        IllegalArgumentException idle = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.checkNumbers(Configs.config(Map.of("websocket_idle_timeout_ms", 0L))));
        assertEquals("websocket.idle.timeout.ms must be positive, was 0", idle.getMessage());
        // 0 is no waiting at all (every request beyond the pool's connections gets a 503 at once), below is refused
        assertDoesNotThrow(() -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_max_queued_per_backend", 0))));
        IllegalArgumentException queue = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_max_queued_per_backend", -1))));
        assertEquals("upstream.max.queued.per.backend must be 0 or more, was -1", queue.getMessage());
        IllegalArgumentException wait = assertThrows(IllegalArgumentException.class,
                () -> ConfigLists.checkNumbers(Configs.config(Map.of("upstream_queue_timeout_ms", -5L))));
        assertEquals("upstream.queue.timeout.ms must be 0 or more, was -5", wait.getMessage());
    }
}
