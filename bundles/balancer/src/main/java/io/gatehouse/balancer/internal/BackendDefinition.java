package io.gatehouse.balancer.internal;

import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.util.config.ConfigValues;
import io.gatehouse.util.config.ConfigValues.Entries;
import java.util.List;
import java.util.Locale;

/**
 * One backend as configured: its {@link BackendSpec}, its passive-health policy and whether it starts marked
 * {@code down}. Parses NGINX's {@code server} syntax: {@code 127.0.0.1:5005 weight=2 max_conns=100 max_fails=3
 * fail_timeout=10s slow_start=30s backup down}.
 */
record BackendDefinition(BackendSpec spec, PassivePolicy policy, boolean down) {

    String id() {
        return spec.id();
    }

    /** Splits configuration values into entries: each value may hold several entries separated by commas. */
    static List<String> entries(String[] values) {
        return ConfigValues.split(values, ConfigValues.COMMA, Entries.DROP_BLANK_TRIM);
    }

    /**
     * @param defaults max_fails, fail_timeout and slow_start for parameters the entry does not set
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    static BackendDefinition parse(String entry, PassivePolicy defaults) {
        String[] words = entry.trim().split("\\s+");
        try {
            HostPort address = HostPort.parse(words[0]);
            int weight = 1;
            int maxConns = 0;
            int maxFails = defaults.maxFails();
            long failTimeout = defaults.failTimeoutNanos();
            long slowStart = defaults.slowStartNanos();
            boolean backup = false;
            boolean down = false;
            for (int i = 1; i < words.length; i++) {
                String word = words[i];
                int eq = word.indexOf('=');
                String key = (eq < 0 ? word : word.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : word.substring(eq + 1);
                switch (key) {
                    case "weight" -> weight = number(key, value);
                    case "max_conns" -> maxConns = number(key, value);
                    case "max_fails" -> maxFails = number(key, value);
                    case "fail_timeout" -> failTimeout = Durations.parseNanos(required(key, value), key);
                    case "slow_start" -> slowStart = Durations.parseNanos(required(key, value), key);
                    case "backup" -> backup = flag(key, value);
                    case "down" -> down = flag(key, value);
                    default -> throw new IllegalArgumentException("unknown parameter '" + word
                            + "' (expected weight, max_conns, max_fails, fail_timeout, slow_start, backup, down)");
                }
            }
            return new BackendDefinition(new BackendSpec(address.host(), address.port(), weight, maxConns, backup),
                    new PassivePolicy(maxFails, failTimeout, slowStart), down);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad backend entry '" + entry + "': " + e.getMessage(), e);
        }
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " needs a value, as in " + key + "=...");
        }
        return value;
    }

    private static int number(String key, String value) {
        try {
            return Integer.parseInt(required(key, value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a whole number");
        }
    }

    private static boolean flag(String key, String value) {
        if (value != null) {
            throw new IllegalArgumentException(key + " takes no value, was '" + key + "=" + value + "'");
        }
        return true;
    }
}
