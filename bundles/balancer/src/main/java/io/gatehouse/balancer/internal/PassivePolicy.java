package io.gatehouse.balancer.internal;

/**
 * Per-backend health and ramp settings, NGINX's {@code max_fails}, {@code fail_timeout} and {@code slow_start}.
 *
 * @param maxFails failures within {@code failTimeoutNanos} that make the backend unavailable; 0 disables
 * @param failTimeoutNanos the failure window and the unavailability time
 * @param slowStartNanos the effective-weight ramp after recovery or enable; 0 for none
 */
record PassivePolicy(int maxFails, long failTimeoutNanos, long slowStartNanos) {

    PassivePolicy {
        if (maxFails < 0) {
            throw new IllegalArgumentException("max_fails must be 0 (off) or more, was " + maxFails);
        }
        if (maxFails > 0 && failTimeoutNanos <= 0) {
            throw new IllegalArgumentException("fail_timeout must be positive when max_fails is on");
        }
    }
}
