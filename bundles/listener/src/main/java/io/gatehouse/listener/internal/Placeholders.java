package io.gatehouse.listener.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${karaf.home}}-style system properties left in configuration values. */
final class Placeholders {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private Placeholders() {
    }

    /** @throws IllegalArgumentException naming a property that is not set */
    static String resolve(String value) {
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = System.getProperty(m.group(1));
            if (resolved == null) {
                throw new IllegalArgumentException("'" + value + "' refers to ${" + m.group(1) + "}, which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
