package io.gatehouse.app.internal.security;

import java.time.Duration;

/**
 * Per-account lockout with exponential backoff: after {@code threshold} consecutive failures the account is locked
 * for {@code first}, and every further failure doubles the lock, up to {@code max}.
 */
public record LoginThrottle(int threshold, Duration first, Duration max) {

    /** How long to lock an account that has now failed {@code failures} times in a row; zero for no lock. */
    public Duration lockFor(int failures) {
        if (failures < threshold) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - threshold, 30);
        long seconds = first.getSeconds() << doublings;
        return seconds <= 0 || seconds > max.getSeconds() ? max : Duration.ofSeconds(seconds);
    }
}
