package io.gatehouse.ratelimit.internal;

import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds a component property type (a configuration annotation) from a map, as Declarative Services does. */
final class Configs {

    private Configs() {
    }

    @SuppressWarnings("unchecked")
    static <A> A of(Class<A> type, Map<String, ?> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String key = method.getName().replace('_', '.');
            Object v = values.get(key);
            if (v == null) {
                return method.getDefaultValue();
            }
            Class<?> rt = method.getReturnType();
            if (rt == String[].class && v instanceof String s) {
                return new String[] {s};
            }
            if (rt.isArray() && !v.getClass().isArray()) {
                Object a = Array.newInstance(rt.getComponentType(), 1);
                Array.set(a, 0, v);
                return a;
            }
            return v;
        });
    }

    static ZoneSpec zone(String name, Map<String, ?> values) {
        Map<String, Object> all = new java.util.HashMap<>(values);
        all.put("name", name);
        return ZoneSpec.parse(of(ZoneConfig.class, all), all);
    }
}
