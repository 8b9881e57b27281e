package io.gatehouse.itests.deployed;

import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The app bundle ClusterIT rolls out: serves {@code GET /hello} with its bundle version, a resource of the
 * container's JAX-RS whiteboard like the application's own.
 * A version built with {@code X-Hello-Broken: true} fails to start, as a bad release would.
 */
public class HelloActivator implements BundleActivator {

    private ServiceRegistration<Object> registration;

    @Override
    public void start(BundleContext context) {
        if ("true".equals(context.getBundle().getHeaders().get("X-Hello-Broken"))) {
            throw new IllegalStateException("hello " + context.getBundle().getVersion() + " is broken on purpose");
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.jaxrs.resource", "true");
        registration = context.registerService(Object.class, new HelloResource(context.getBundle().getVersion()
                .toString()), props);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
        }
    }
}
