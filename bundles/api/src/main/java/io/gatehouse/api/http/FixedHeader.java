package io.gatehouse.api.http;

import java.util.regex.Pattern;

/**
 * A response header whose name and value are fixed when a filter is configured (the security headers, for one),
 * set on every response through {@link Exchange#setResponseHeader(FixedHeader)}. The listener may keep it in its
 * encoded form, instead of encoding the same bytes for every response. Equality is identity: a filter creates its
 * fixed headers once per configuration and sets the same instances on every exchange.
 */
public final class FixedHeader {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private final String name;
    private final String value;

    /** @throws IllegalArgumentException naming a name that is not an HTTP token, or a value with a control character */
    public FixedHeader(String name, String value) {
        if (name == null || !TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("header name '" + (name == null ? null : name.replaceAll("\\p{Cntrl}", "?"))
                    + "' is not an HTTP token");
        }
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                throw new IllegalArgumentException("header " + name + " value '" + value.replaceAll("\\p{Cntrl}", "?")
                        + "' contains a control character");
            }
        }
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
