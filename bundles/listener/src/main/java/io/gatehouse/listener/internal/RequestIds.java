package io.gatehouse.listener.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's when it is a safe token, else 32 random hex digits. */
final class RequestIds {

    static final String HEADER = "X-Request-Id";
    private static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** {@code candidate} when it is 1-128 characters of {@code [A-Za-z0-9._:-]}, else a new id. */
    static String accept(String candidate) {
        return valid(candidate) ? candidate : generate();
    }

    static boolean valid(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        fill(id, 0, random.nextLong());
        fill(id, 16, random.nextLong());
        return new String(id);
    }

    private static void fill(char[] out, int offset, long value) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
