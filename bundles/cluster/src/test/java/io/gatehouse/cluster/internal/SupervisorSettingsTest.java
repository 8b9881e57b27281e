package io.gatehouse.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupervisorSettingsTest {

    /** The defaults with some values replaced, as Config Admin would hand them over. */
    static SupervisorConfig config(Map<String, Object> values) {
        SupervisorConfig defaults = SupervisorSettings.defaults();
        return (SupervisorConfig) Proxy.newProxyInstance(SupervisorConfig.class.getClassLoader(),
                new Class<?>[] {SupervisorConfig.class}, (proxy, method, args) -> values.containsKey(method.getName())
                        ? values.get(method.getName()) : method.invoke(defaults, args));
    }

    @Test
    void theDefaultsAreValid() {
        SupervisorConfig d = SupervisorSettings.defaults();
        assertNull(SupervisorSettings.validate(d));
        assertEquals(1024, d.memory_limitMb());
        assertEquals(8, d.scale_max());
    }

    @Test
    void aBadValueIsNamed() {
        assertEquals("memory.limitMb must be 0 (no limit) or a number of MB, was -5",
                SupervisorSettings.validate(config(Map.of("memory_limitMb", -5L))));
        assertEquals("scale.max must be 1-64, was 0", SupervisorSettings.validate(config(Map.of("scale_max", 0))));
        assertEquals("drain.timeoutSeconds must be at least 1, was 0",
                SupervisorSettings.validate(config(Map.of("drain_timeoutSeconds", 0L))));
        assertEquals("backoff must satisfy 0 <= backoff.initialMillis <= backoff.maxMillis, was 500 and 100",
                SupervisorSettings.validate(config(Map.of("backoff_maxMillis", 100L))));
    }
}
