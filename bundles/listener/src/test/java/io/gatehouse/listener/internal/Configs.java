package io.gatehouse.listener.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** A {@link ListenerConfig} with the annotation's defaults and some overrides, as DS would build it. */
final class Configs {

    private Configs() {
    }

    static ListenerConfig config(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(overrides);
        return (ListenerConfig) Proxy.newProxyInstance(ListenerConfig.class.getClassLoader(),
                new Class<?>[] {ListenerConfig.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object fallback = defaultValue(method);
                    if (fallback != null) {
                        return fallback;
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> ListenerConfig.class;
                        case "hashCode" -> values.hashCode();
                        case "equals" -> proxy == args[0];
                        case "toString" -> "ListenerConfig" + values;
                        default -> throw new IllegalStateException(method.getName());
                    };
                });
    }

    private static Object defaultValue(Method method) {
        return method.getDeclaringClass() == ListenerConfig.class ? method.getDefaultValue() : null;
    }
}
