package io.gatehouse.ratelimit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads the {@code sub} claim of a bearer JWT <em>without verifying its signature</em>. Used only to pick a
 * rate-limit bucket: a forged token gets the forger a bucket of its own, never more access. Anything that is not a
 * well-formed token with a string {@code sub} yields {@code null}.
 */
final class JwtSubject {

    /** Tokens are small; a huge one is not worth decoding on the hot path. */
    private static final int MAX_TOKEN = 8192;

    private JwtSubject() {
    }

    static String fromAuthorization(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        if (token.length() > MAX_TOKEN) {
            return null;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            return new ClaimReader(new String(payload, StandardCharsets.UTF_8)).stringMember("sub");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Just enough JSON to find one top-level string member; throws IllegalArgumentException on malformed input. */
    static final class ClaimReader {
        private final String s;
        private int i;

        ClaimReader(String s) {
            this.s = s;
        }

        String stringMember(String name) {
            skipSpace();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                return null;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (key.equals(name) && peek() == '"') {
                    return string();
                }
                skipValue(0);
                skipSpace();
                char c = next();
                if (c == '}') {
                    return null;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or }");
                }
            }
        }

        private void skipValue(int depth) {
            if (depth > 32) {
                throw new IllegalArgumentException("too deep");
            }
            char c = peek();
            if (c == '"') {
                string();
            } else if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                next();
                skipSpace();
                if (peek() == close) {
                    next();
                    return;
                }
                while (true) {
                    skipSpace();
                    if (close == '}') {
                        string();
                        skipSpace();
                        expect(':');
                        skipSpace();
                    }
                    skipValue(depth + 1);
                    skipSpace();
                    char d = next();
                    if (d == close) {
                        return;
                    }
                    if (d != ',') {
                        throw new IllegalArgumentException("expected , or " + close);
                    }
                }
            } else {
                int start = i;
                while (i < s.length() && "-+.eE0123456789truefalsn".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException("unexpected " + c);
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw new IllegalArgumentException("short \\u escape");
                            }
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c);
            }
        }
    }
}
