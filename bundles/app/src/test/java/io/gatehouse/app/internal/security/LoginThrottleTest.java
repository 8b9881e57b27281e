package io.gatehouse.app.internal.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofSeconds(30), Duration.ofSeconds(3600));

    @Test
    void noLockBelowThreshold() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Duration.ZERO, throttle.lockFor(i));
        }
    }

    @Test
    void doublesFromTheThresholdUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(30), throttle.lockFor(5));
        assertEquals(Duration.ofSeconds(60), throttle.lockFor(6));
        assertEquals(Duration.ofSeconds(120), throttle.lockFor(7));
        assertEquals(Duration.ofSeconds(1920), throttle.lockFor(11));
        assertEquals(Duration.ofSeconds(3600), throttle.lockFor(12));
        assertEquals(Duration.ofSeconds(3600), throttle.lockFor(1_000_000));
    }
}
