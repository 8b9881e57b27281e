package io.gatehouse.ratelimit.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit_req rate, held as NGINX holds it: an integer number of milli-requests per second, so {@code 5r/m} is
 * {@code 5 * 1000 / 60 = 83} (the truncation is NGINX's and is kept on purpose, so timings match NGINX's).
 *
 * @param milliPerSecond milli-requests per second, at least 1
 * @param text the rate as configured, for example {@code 5r/m}
 */
public record Rate(long milliPerSecond, String text) {

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})r/([sm])");

    /**
     * @throws IllegalArgumentException naming the value when it is not {@code <n>r/s} or {@code <n>r/m} with n &gt; 0
     */
    public static Rate parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("rate '" + text + "' is not a rate: expected <n>r/s or <n>r/m, for example 5r/m");
        }
        long n = Long.parseLong(m.group(1));
        long scale = m.group(2).equals("m") ? 60 : 1;
        long milli = n * 1000 / scale;
        if (milli <= 0) {
            throw new IllegalArgumentException("rate '" + text + "' must be more than 0 requests");
        }
        return new Rate(milli, t);
    }

    @Override
    public String toString() {
        return text;
    }
}
