package io.gatehouse.membership.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens once Karaf has installed the container's boot features (its {@code BootFinished} service is registered), so
 * the Hazelcast member starts after the boot instead of competing with it for the CPU: a container answers sooner,
 * and joins a moment later. In a container that booted already (the feature installed at runtime) it is open at
 * once; without Karaf's features service it opens after {@link #MAX_WAIT_SECONDS}. Tracked by class name, so the
 * bundle needs no import of Karaf's packages.
 */
final class BootGate implements AutoCloseable {

    static final long MAX_WAIT_SECONDS = 120;
    private static final String FILTER = "(objectClass=org.apache.karaf.features.BootFinished)";
    private static final Logger LOG = LoggerFactory.getLogger(BootGate.class);

    private final BundleContext context;
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile boolean closed;
    private final ServiceListener listener = event -> {
        if (event.getType() == ServiceEvent.REGISTERED) {
            open();
        }
    };

    BootGate(BundleContext context) {
        this.context = context;
        try {
            context.addServiceListener(listener, FILTER);
            if (context.getServiceReferences((String) null, FILTER) != null) {
                open();
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            open();
        }
    }

    private void open() {
        open.countDown();
        try {
            context.removeServiceListener(listener);
        } catch (IllegalStateException e) {
            // the bundle is stopping
        }
    }

    /**
     * Waits until the boot is done (at most {@link #MAX_WAIT_SECONDS}).
     *
     * @return false when the gate was closed meanwhile (the component is going away: start nothing)
     */
    boolean await() {
        try {
            if (!open.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the container's boot features are not all installed after {} s: joining the cluster anyway",
                        MAX_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        open();
    }
}
