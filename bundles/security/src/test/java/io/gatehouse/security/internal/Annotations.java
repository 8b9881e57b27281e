package io.gatehouse.security.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A configuration annotation from a map of properties (DS naming: {@code max_body_bytes} is max.body.bytes). */
final class Annotations {

    private Annotations() {
    }

    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, ?> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            Object v = values.get(m.getName().replace('_', '.'));
            if (v == null) {
                return m.getDefaultValue();
            }
            return m.getReturnType() == String[].class && v instanceof String s ? new String[] {s} : v;
        });
    }
}
