package io.gatehouse.api.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a {@link RequestFilter} decided: let the request through, or answer it now with an error status. */
public final class Verdict {

    private static final Verdict PROCEED = new Verdict(0, null, Map.of(), 0);

    private final int status;
    private final String message;
    private final Map<String, String> headers;
    private final long delayMillis;

    private Verdict(int status, String message, Map<String, String> headers, long delayMillis) {
        this.status = status;
        this.message = message;
        this.headers = headers;
        this.delayMillis = delayMillis;
    }

    public static Verdict proceed() {
        return PROCEED;
    }

    /**
     * Lets the request through after {@code millis} (as NGINX's {@code limit_req} without {@code nodelay} does).
     * The listener waits without holding a thread; the rest of the chain runs after the delay.
     *
     * @throws IllegalArgumentException when {@code millis} is negative
     */
    public static Verdict delay(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("delay must be 0 ms or more, was " + millis);
        }
        return millis == 0 ? PROCEED : new Verdict(0, null, Map.of(), millis);
    }

    /**
     * Answers the request with {@code status} (400-599) and a small JSON body carrying {@code message}.
     *
     * @throws IllegalArgumentException when the status is not an error status
     */
    public static Verdict reject(int status, String message) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("reject status must be 400-599, was " + status);
        }
        return new Verdict(status, Objects.requireNonNull(message, "message"), Map.of(), 0);
    }

    /** A copy of this rejection that also sends {@code name: value}. */
    public Verdict withHeader(String name, String value) {
        if (!isRejection()) {
            throw new IllegalStateException("only a rejection carries headers");
        }
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new Verdict(status, message, Map.copyOf(copy), 0);
    }

    public boolean isRejection() {
        return status != 0;
    }

    /** How long the listener holds the request before continuing; 0 unless created by {@link #delay(long)}. */
    public long delayMillis() {
        return delayMillis;
    }

    /** The error status of a rejection; 0 otherwise. */
    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** Extra response headers of a rejection (for example {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        if (isRejection()) {
            return "reject(" + status + ", " + message + ")";
        }
        return delayMillis > 0 ? "delay(" + delayMillis + " ms)" : "proceed";
    }
}
