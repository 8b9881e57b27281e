package io.gatehouse.security.internal;

import java.lang.reflect.Proxy;

/** A configuration annotation instance carrying only its default values. */
final class Defaults {

    private Defaults() {
    }

    @SuppressWarnings("unchecked")
    static <A> A of(Class<A> type) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> method.getDefaultValue());
    }
}
