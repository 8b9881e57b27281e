package io.gatehouse.balancer.internal;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NGINX-style durations: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1d}; a bare number is seconds. */
final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * @param what names the setting in the error message
     * @throws IllegalArgumentException naming the setting and the bad value
     */
    static long parseNanos(String value, String what) {
        Matcher m = value == null ? null : FORM.matcher(value.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a duration (e.g. 500ms, 10s, 1m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> TimeUnit.MILLISECONDS.toNanos(n);
            case "s" -> TimeUnit.SECONDS.toNanos(n);
            case "m" -> TimeUnit.MINUTES.toNanos(n);
            case "h" -> TimeUnit.HOURS.toNanos(n);
            default -> TimeUnit.DAYS.toNanos(n);
        };
    }

    static String format(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
