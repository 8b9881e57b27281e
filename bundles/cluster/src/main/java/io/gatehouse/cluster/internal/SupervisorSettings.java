package io.gatehouse.cluster.internal;

import java.lang.reflect.Proxy;

/** Checks a supervisor configuration; the first bad value is named, with what is expected. */
final class SupervisorSettings {

    private SupervisorSettings() {
    }

    /** @return null when valid, else the message naming the bad value */
    static String validate(SupervisorConfig c) {
        if (c.check_intervalMillis() < 100) {
            return "check.intervalMillis must be at least 100, was " + c.check_intervalMillis();
        }
        if (c.backoff_initialMillis() < 0 || c.backoff_maxMillis() < c.backoff_initialMillis()) {
            return "backoff must satisfy 0 <= backoff.initialMillis <= backoff.maxMillis, was "
                    + c.backoff_initialMillis() + " and " + c.backoff_maxMillis();
        }
        if (c.memory_limitMb() < 0) {
            return "memory.limitMb must be 0 (no limit) or a number of MB, was " + c.memory_limitMb();
        }
        if (c.scale_max() < 1 || c.scale_max() > 64) {
            return "scale.max must be 1-64, was " + c.scale_max();
        }
        if (c.start_settleSeconds() < 0) {
            return "start.settleSeconds must be 0 or more, was " + c.start_settleSeconds();
        }
        long[] timeouts = {c.drain_timeoutSeconds(), c.stop_timeoutSeconds(), c.start_timeoutSeconds(),
            c.readmit_timeoutSeconds(), c.deploy_timeoutSeconds()};
        String[] names = {"drain.timeoutSeconds", "stop.timeoutSeconds", "start.timeoutSeconds",
            "readmit.timeoutSeconds", "deploy.timeoutSeconds"};
        for (int i = 0; i < timeouts.length; i++) {
            if (timeouts[i] < 1) {
                return names[i] + " must be at least 1, was " + timeouts[i];
            }
        }
        return null;
    }

    /** The metatype defaults, for a first configuration that was refused. */
    static SupervisorConfig defaults() {
        return (SupervisorConfig) Proxy.newProxyInstance(SupervisorConfig.class.getClassLoader(),
                new Class<?>[] {SupervisorConfig.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == SupervisorConfig.class) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> SupervisorConfig.class;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "SupervisorConfig(defaults)";
                    };
                });
    }
}
