package io.gatehouse.api.http;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An ant-style path pattern, as filters, rate-limit zones and access rules match {@link Exchange#path()}:
 * {@code ?} is one character other than {@code /}, {@code *} any characters within one segment, {@code **} any
 * number of segments. {@code /api/**} matches {@code /api}, {@code /api/} and everything below; {@code /**} matches
 * every path. Immutable and thread-safe.
 */
public final class PathPattern {

    private final String pattern;
    private final Pattern regex;
    /** For {@code <literal>/**}, the literal part (empty for {@code /**}), matched without a regex; else null. */
    private final String folder;

    private PathPattern(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
        String head = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) : null;
        this.folder = head != null && head.indexOf('*') < 0 && head.indexOf('?') < 0 ? head : null;
    }

    /**
     * @throws IllegalArgumentException naming the pattern when it is empty or does not start with {@code /}
     */
    public static PathPattern of(String pattern) {
        String p = pattern == null ? "" : pattern.trim();
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("path pattern must start with '/', was '" + pattern + "'");
        }
        boolean literal = p.indexOf('*') < 0 && p.indexOf('?') < 0;
        return new PathPattern(p, literal ? null : Pattern.compile(toRegex(p)));
    }

    private static String toRegex(String p) {
        StringBuilder sb = new StringBuilder(p.length() + 16);
        int i = 0;
        while (i < p.length()) {
            if (p.startsWith("/**/", i)) {
                sb.append("/(?:.*/)?");
                i += 4;
            } else if (p.startsWith("/**", i) && i + 3 == p.length()) {
                sb.append("(?:/.*)?");
                i += 3;
            } else if (p.startsWith("**", i)) {
                sb.append(".*");
                i += 2;
            } else {
                char c = p.charAt(i++);
                if (c == '*') {
                    sb.append("[^/]*");
                } else if (c == '?') {
                    sb.append("[^/]");
                } else {
                    sb.append(Pattern.quote(String.valueOf(c)));
                }
            }
        }
        return sb.toString();
    }

    public boolean matches(String path) {
        if (path == null) {
            return false;
        }
        if (folder != null) {
            // the common shape (/api/**, /**): the folder itself or anything below it, on the request path
            return folder.isEmpty() || (path.startsWith(folder)
                    && (path.length() == folder.length() || path.charAt(folder.length()) == '/'));
        }
        return regex == null ? pattern.equals(path) : regex.matcher(path).matches();
    }

    /** How many leading characters are literal: a longer literal prefix is a more specific pattern. */
    public int specificity() {
        int star = pattern.indexOf('*');
        int question = pattern.indexOf('?');
        int first = star < 0 ? question : question < 0 ? star : Math.min(star, question);
        return first < 0 ? Integer.MAX_VALUE : first;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pattern);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
