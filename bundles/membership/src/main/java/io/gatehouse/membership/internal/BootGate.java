package io.gatehouse.membership.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens once the container has booted: the framework reached its beginning start level (every bundle started) and
 * Karaf has installed the boot features (its {@code BootFinished} service is registered). The Hazelcast member then
 * starts after the boot instead of competing with it for the CPU: a container answers sooner, and joins a moment
 * later. In a container that booted already (the feature installed at runtime) it is open at once; if the boot never
 * finishes it opens after {@link #MAX_WAIT_SECONDS}. {@code BootFinished} is tracked by class name, so the bundle
 * needs no import of Karaf's packages.
 */
final class BootGate implements AutoCloseable {

    static final long MAX_WAIT_SECONDS = 120;
    private static final String BOOT_FINISHED = "(objectClass=org.apache.karaf.features.BootFinished)";
    private static final Logger LOG = LoggerFactory.getLogger(BootGate.class);

    private final BundleContext context;
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile boolean featuresInstalled;
    private volatile boolean started;
    private final ServiceListener bootListener = event -> {
        if (event.getType() == ServiceEvent.REGISTERED) {
            featuresInstalled = true;
            check();
        }
    };
    private final FrameworkListener startLevelListener = event -> {
        if (event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            started = frameworkStarted();
            check();
        }
    };

    BootGate(BundleContext context) {
        this.context = context;
        try {
            context.addServiceListener(bootListener, BOOT_FINISHED);
            context.addFrameworkListener(startLevelListener);
            featuresInstalled = context.getServiceReferences((String) null, BOOT_FINISHED) != null;
            started = frameworkStarted();
            check();
        } catch (InvalidSyntaxException | IllegalStateException e) {
            open();
        }
    }

    private boolean frameworkStarted() {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        FrameworkStartLevel level = framework == null ? null : framework.adapt(FrameworkStartLevel.class);
        if (level == null) {
            return true;
        }
        String beginning = context.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL);
        try {
            return beginning == null ? framework.getState() == Bundle.ACTIVE
                    : level.getStartLevel() >= Integer.parseInt(beginning.trim());
        } catch (NumberFormatException e) {
            return framework.getState() == Bundle.ACTIVE;
        }
    }

    private void check() {
        if (featuresInstalled && started) {
            open();
        }
    }

    private void open() {
        open.countDown();
        try {
            context.removeServiceListener(bootListener);
            context.removeFrameworkListener(startLevelListener);
        } catch (IllegalStateException e) {
            // the bundle is stopping
        }
    }

    /** Whether the boot is done (or the gate was closed): {@link #await()} then returns at once. */
    boolean isOpen() {
        return open.getCount() == 0;
    }

    /**
     * Waits until the boot is done (at most {@link #MAX_WAIT_SECONDS}).
     *
     * @return false when the gate was closed meanwhile (the component is going away: start nothing)
     */
    boolean await() {
        try {
            if (!open.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the container has not finished its boot after {} s (framework started: {}, boot features "
                        + "installed: {}): joining the cluster anyway", MAX_WAIT_SECONDS, started, featuresInstalled);
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
