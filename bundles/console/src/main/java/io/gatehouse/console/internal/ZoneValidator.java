package io.gatehouse.console.internal;

import io.gatehouse.util.config.ConfigValues;
import io.gatehouse.util.config.ConfigValues.Entries;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a rate-limit zone setting typed into the console and converts it to the type the setting has now, so a
 * bad value is refused with a message naming it instead of reaching the limiter.
 */
final class ZoneValidator {

    /** nginx's notation ({@code 10r/s}, {@code 600r/m}) or a plain number of requests per second. */
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(r/s|r/m)?");
    private static final int MAX_LENGTH = 500;

    Object convert(String key, String raw, Object current) {
        String value = raw == null ? "" : raw.trim();
        String k = key.toLowerCase(Locale.ROOT);
        if (value.length() > MAX_LENGTH || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(key + " must be one line of at most " + MAX_LENGTH + " characters");
        }
        if (k.equals("rate") || k.endsWith(".rate") || k.endsWith("_rate")) {
            checkRate(key, value);
        }
        if (current instanceof Integer || current instanceof Long || current instanceof Short
                || isCount(k) && current instanceof String) {
            long n = integer(key, value);
            if (current instanceof Integer) {
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(key + " must be at most " + Integer.MAX_VALUE + ", was " + n);
                }
                return (int) n;
            }
            return current instanceof Short ? (Object) (short) Math.min(n, Short.MAX_VALUE)
                    : current instanceof Long ? (Object) n : value;
        }
        if (current instanceof Double || current instanceof Float) {
            double d = decimal(key, value);
            return current instanceof Float ? (Object) (float) d : (Object) d;
        }
        if (current instanceof Boolean) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
            }
            return Boolean.valueOf(value);
        }
        if (current instanceof String[]) {
            return ConfigValues.split(value, ConfigValues.COMMA, Entries.TRIM_DROP_EMPTY).toArray(String[]::new);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return value;
    }

    private static boolean isCount(String key) {
        return key.equals("burst") || key.endsWith(".burst") || key.endsWith("_burst");
    }

    static void checkRate(String key, String value) {
        Matcher m = RATE.matcher(value);
        if (!m.matches() || Double.parseDouble(m.group(1)) <= 0) {
            throw new IllegalArgumentException(key + " must be a positive number of requests, like 10r/s or 600r/m, "
                    + "was '" + value + "'");
        }
    }

    private static long integer(String key, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new IllegalArgumentException(key + " must be 0 or more, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
        }
    }

    private static double decimal(String key, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d) || d < 0) {
                throw new IllegalArgumentException(key + " must be a number, 0 or more, was '" + value + "'");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
        }
    }
}
