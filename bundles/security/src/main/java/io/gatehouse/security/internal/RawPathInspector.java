package io.gatehouse.security.internal;

import java.util.regex.Pattern;

/**
 * Finds what a raw request path must not contain: dot-dot segments (plain, percent-encoded, or hidden behind
 * {@code ;} parameters), encoded slashes and backslashes, backslashes, NUL and control characters, and
 * double-encoded forms of those. Backends and file systems disagree on how to decode such paths; refusing them at
 * the edge removes the disagreement.
 */
final class RawPathInspector {

    private static final Pattern ENCODED_CONTROL = Pattern.compile("%(?:[01][0-9a-f]|7f)");

    private RawPathInspector() {
    }

    /** Why the raw path is refused, or null when it is acceptable. */
    static String problem(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return null;
        }
        boolean percent = false;
        boolean dot = false;
        boolean backslash = false;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == 0) {
                return "NUL byte in path";
            }
            if (c < 0x20 || c == 0x7f) {
                return "control character in path";
            }
            percent |= c == '%';
            dot |= c == '.';
            backslash |= c == '\\';
        }
        // the common path: nothing encoded, no backslash; only plain dot-dot segments are left to look for
        if (!percent && !backslash) {
            return dot && traverses(rawPath) ? "path traversal" : null;
        }
        String lower = rawPath.toLowerCase();
        if (lower.contains("%00")) {
            return "encoded NUL byte in path";
        }
        if (ENCODED_CONTROL.matcher(lower).find()) {
            return "encoded control character in path";
        }
        if (lower.contains("%25")) {
            for (String encoded : new String[] {"%252e", "%252f", "%255c", "%2500"}) {
                if (lower.contains(encoded)) {
                    return "double-encoded path";
                }
            }
        }
        if (traverses(lower)) {
            return lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")
                    ? "encoded path traversal" : "path traversal";
        }
        if (lower.contains("%2f")) {
            return "encoded slash in path";
        }
        if (rawPath.indexOf('\\') >= 0 || lower.contains("%5c")) {
            return "backslash in path";
        }
        return null;
    }

    /** True when a segment is {@code ..} once dots, slashes and backslashes are decoded and parameters dropped. */
    private static boolean traverses(String lower) {
        String decoded = lower.replace("%2e", ".").replace("%2f", "/").replace("%5c", "/").replace('\\', '/');
        for (String segment : decoded.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String s = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (s.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
