package io.gatehouse.membership.internal;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Configuration properties as canonical text (sorted {@code key=type:value} lines), so equal configurations encode
 * to equal strings on every gateway and the mirror can tell a real change from its own echo. Keeps String, Integer,
 * Long, Boolean, Double and String[] types; anything else travels as its String form.
 */
final class PropertiesCodec {

    /** Properties that describe where a configuration lives locally, never mirrored. */
    private static final Set<String> LOCAL = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", ":org.apache.felix.configadmin.revision:");

    private PropertiesCodec() {
    }

    static String encode(Dictionary<String, ?> properties) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String key : Collections.list(properties.keys())) {
            if (!LOCAL.contains(key)) {
                sorted.put(key, typed(properties.get(key)));
            }
        }
        StringBuilder text = new StringBuilder();
        sorted.forEach((key, value) -> text.append(escape(key)).append('=').append(value).append('\n'));
        return text.toString();
    }

    static Hashtable<String, Object> decode(String text) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (String line : text.split("\n")) {
            int eq = unescapedEquals(line);
            if (eq <= 0) {
                continue;
            }
            String key = unescape(line.substring(0, eq));
            String value = line.substring(eq + 1);
            String type = value.substring(0, 1);
            String body = value.substring(2);
            properties.put(key, switch (type) {
                case "I" -> Integer.valueOf(unescape(body));
                case "L" -> Long.valueOf(unescape(body));
                case "B" -> Boolean.valueOf(unescape(body));
                case "D" -> Double.valueOf(unescape(body));
                case "A" -> body.isEmpty() ? new String[0]
                        : List.of(body.split(",", -1)).stream().map(PropertiesCodec::unescape).toArray(String[]::new);
                default -> unescape(body);
            });
        }
        return properties;
    }

    private static String typed(Object value) {
        if (value instanceof Integer) {
            return "I:" + value;
        } else if (value instanceof Long) {
            return "L:" + value;
        } else if (value instanceof Boolean) {
            return "B:" + value;
        } else if (value instanceof Double) {
            return "D:" + value;
        } else if (value instanceof String[] array) {
            return "A:" + String.join(",", List.of(array).stream().map(PropertiesCodec::escape).toList());
        }
        return "S:" + escape(String.valueOf(value));
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\e").replace(",", "\\c");
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 'e' -> '=';
                    case 'c' -> ',';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int unescapedEquals(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\\') {
                i++;
            } else if (line.charAt(i) == '=') {
                return i;
            }
        }
        return -1;
    }
}
