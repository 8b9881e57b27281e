package io.gatehouse.util.json;

import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer, for the few places that write JSON by hand (the listener's error bodies and access log, the
 * console's live data): maps, collections, {@code double[]}, strings, numbers, booleans, null.
 */
public final class JsonWriter {

    private JsonWriter() {
    }

    /**
     * {@code value} as JSON text. Strings escape {@code <} too ({@code \u003c}), so the text can stand inside an HTML
     * page's script; NaN and infinities are written as null; any other object as its {@code toString()}.
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(1024);
        write(value, out);
        return out.toString();
    }

    /** Appends {@code value} as a JSON string: quotes, backslashes and control characters escaped, nothing else. */
    public static void string(StringBuilder out, String value) {
        string(value, false, out);
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, true, out);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            out.append("null");
        } else if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
            out.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()), true, out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(o, out);
            }
            out.append(']');
        } else if (value instanceof double[] array) {
            out.append('[');
            for (int i = 0; i < array.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(array[i], out);
            }
            out.append(']');
        } else {
            string(String.valueOf(value), true, out);
        }
    }

    private static void string(String s, boolean escapeLessThan, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' && escapeLessThan) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
