package io.gatehouse.membership.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * The part of an OSGi framework a bundle sees while Karaf boots: the system bundle's state and start level rising
 * to the beginning start level, framework events, and services registered along the way (Karaf's
 * {@code BootFinished} last). Listeners get only the service events their filter matches, as in a real framework.
 * A call the fake does not model fails, so a test notices what the code under test relies on.
 */
final class BootingFramework {

    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";

    final BundleContext context;
    private final Integer beginningStartLevel;
    private final Bundle systemBundle;
    private final FrameworkStartLevel frameworkStartLevel;
    private final List<String> services = new CopyOnWriteArrayList<>();
    private final Map<ServiceListener, Filter> serviceListeners = new ConcurrentHashMap<>();
    private final Set<FrameworkListener> frameworkListeners = ConcurrentHashMap.newKeySet();
    private volatile int startLevel = 1;
    private volatile int state = Bundle.STARTING;
    private volatile boolean stopped;

    /** @param beginningStartLevel {@code org.osgi.framework.startlevel.beginning} (Karaf: 100), null when unset */
    BootingFramework(Integer beginningStartLevel) {
        this.beginningStartLevel = beginningStartLevel;
        this.context = proxy(BundleContext.class, "bundle context", this::onContext);
        this.systemBundle = proxy(Bundle.class, "system bundle", this::onSystemBundle);
        this.frameworkStartLevel = proxy(FrameworkStartLevel.class, "framework start level", this::onStartLevel);
    }

    /** The framework moves to a start level on its way up (a {@code STARTLEVEL_CHANGED} event). */
    void startLevel(int level) {
        startLevel = level;
        fire(new FrameworkEvent(FrameworkEvent.STARTLEVEL_CHANGED, systemBundle, null));
    }

    /** The framework reached its beginning start level and is active (the {@code STARTED} event). */
    void started() {
        if (beginningStartLevel != null) {
            startLevel = beginningStartLevel;
        }
        state = Bundle.ACTIVE;
        fire(new FrameworkEvent(FrameworkEvent.STARTED, systemBundle, null));
    }

    /** A service is registered under one class name; listeners whose filter matches it hear of it. */
    void register(String objectClass) {
        services.add(objectClass);
        ServiceEvent event = new ServiceEvent(ServiceEvent.REGISTERED, reference(objectClass));
        serviceListeners.forEach((listener, filter) -> {
            if (filter.matches(properties(objectClass))) {
                listener.serviceChanged(event);
            }
        });
    }

    /** The bundle is stopping: its context is no longer valid. */
    void invalidateContext() {
        stopped = true;
    }

    /** Service and framework listeners still registered. */
    int listeners() {
        return serviceListeners.size() + frameworkListeners.size();
    }

    private void fire(FrameworkEvent event) {
        frameworkListeners.forEach(listener -> listener.frameworkEvent(event));
    }

    private Object onContext(String method, Object[] args) throws Exception {
        if (stopped) {
            throw new IllegalStateException("BundleContext is no longer valid");
        }
        switch (method) {
            case "addServiceListener":
                Filter filter = args.length > 1 && args[1] != null ? FrameworkUtil.createFilter((String) args[1]) : null;
                serviceListeners.put((ServiceListener) args[0], filter == null ? everything() : filter);
                return null;
            case "removeServiceListener":
                serviceListeners.remove(args[0]);
                return null;
            case "addFrameworkListener":
                frameworkListeners.add((FrameworkListener) args[0]);
                return null;
            case "removeFrameworkListener":
                frameworkListeners.remove(args[0]);
                return null;
            case "getServiceReferences":
                return references((String) args[0], (String) args[1]);
            case "getBundle":
                return args.length == 1 && Constants.SYSTEM_BUNDLE_LOCATION.equals(args[0]) ? systemBundle : null;
            case "getProperty":
                return Constants.FRAMEWORK_BEGINNING_STARTLEVEL.equals(args[0]) && beginningStartLevel != null
                        ? String.valueOf(beginningStartLevel) : null;
            default:
                throw new UnsupportedOperationException("BundleContext." + method);
        }
    }

    private ServiceReference<?>[] references(String objectClass, String filter) throws Exception {
        Filter match = filter == null ? everything() : FrameworkUtil.createFilter(filter);
        List<ServiceReference<?>> found = new ArrayList<>();
        for (String service : services) {
            if ((objectClass == null || objectClass.equals(service)) && match.matches(properties(service))) {
                found.add(reference(service));
            }
        }
        return found.isEmpty() ? null : found.toArray(new ServiceReference<?>[0]);
    }

    private Object onSystemBundle(String method, Object[] args) {
        switch (method) {
            case "getState":
                return state;
            case "getBundleId":
                return 0L;
            case "getLocation":
                return Constants.SYSTEM_BUNDLE_LOCATION;
            case "adapt":
                return args[0] == FrameworkStartLevel.class ? frameworkStartLevel : null;
            default:
                throw new UnsupportedOperationException("Bundle." + method);
        }
    }

    private Object onStartLevel(String method, Object[] args) {
        switch (method) {
            case "getStartLevel":
                return startLevel;
            case "getBundle":
                return systemBundle;
            default:
                throw new UnsupportedOperationException("FrameworkStartLevel." + method);
        }
    }

    private static ServiceReference<?> reference(String objectClass) {
        Map<String, Object> properties = properties(objectClass);
        return proxy(ServiceReference.class, objectClass, (method, args) -> {
            switch (method) {
                case "getProperty":
                    return properties.get((String) args[0]);
                case "getPropertyKeys":
                    return properties.keySet().toArray(new String[0]);
                default:
                    throw new UnsupportedOperationException("ServiceReference." + method);
            }
        });
    }

    private static Map<String, Object> properties(String objectClass) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.OBJECTCLASS, new String[] {objectClass});
        return properties;
    }

    private static Filter everything() {
        try {
            return FrameworkUtil.createFilter("(" + Constants.OBJECTCLASS + "=*)");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, String name, Answer answer) {
        InvocationHandler handler = (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return self == args[0];
                    case "hashCode":
                        return System.identityHashCode(self);
                    default:
                        return name;
                }
            }
            return answer.answer(method.getName(), args == null ? new Object[0] : args);
        };
        return type.cast(Proxy.newProxyInstance(BootingFramework.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
