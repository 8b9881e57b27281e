package io.gatehouse.membership.internal;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.api.cluster.ClusterMembership;
import io.gatehouse.api.cluster.SharedCounters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This container's membership: starts a Hazelcast member from the configuration, announces it, and registers the
 * cluster services ({@link ClusterMembership}, {@link SharedCounters}, and the {@link HazelcastInstance} the
 * gateway-side components use) while it runs.
 * <p>
 * A configuration with a bad value is refused with an error naming it; the member keeps running as before.
 * Starting and stopping happen off the configuration thread, one at a time.
 */
@Component(configurationPid = MembershipConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = NodeStatus.class, immediate = true)
@Designate(ocd = MembershipConfiguration.class)
public final class ClusterNode implements NodeStatus {

    /** Service property on the registered HazelcastInstance: {@code gateway} or {@code app}. */
    public static final String ROLE_PROPERTY = "gatehouse.membership.role";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final int DEFAULT_HTTP_PORT = 8181;

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> new Thread(r, "gatehouse-membership"));
    private final BootGate boot;
    private volatile MemberSettings settings;
    private volatile Running running;
    private volatile String problem;

    @Activate
    public ClusterNode(BundleContext context, MembershipConfiguration config, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.boot = new BootGate(context);
        modified(config);
    }

    @Modified
    void modified(MembershipConfiguration config) {
        MemberSettings next;
        try {
            next = MemberSettings.from(config, httpPort());
        } catch (IllegalArgumentException e) {
            problem = "configuration " + MembershipConfiguration.PID + " refused: " + e.getMessage()
                    + (settings == null ? "" : "; still running with the previous configuration");
            LOG.error(problem);
            return;
        }
        problem = null;
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        lifecycle.execute(() -> {
            // the member starts once the container's boot features are in, so its start does not slow the boot
            if (boot.await()) {
                restart(next);
            }
        });
    }

    @Deactivate
    void deactivate() {
        boot.close();
        lifecycle.execute(this::stop);
        lifecycle.shutdown();
        try {
            if (!lifecycle.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("the cluster member did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<MemberSettings> settings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public boolean running() {
        Running current = running;
        return current != null && current.hazelcast.getLifecycleService().isRunning();
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private void restart(MemberSettings next) {
        stop();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader bundleLoader = ClusterNode.class.getClassLoader();
        HazelcastInstance hazelcast = null;
        try {
            // Hazelcast looks up its services and our classes through the TCCL while it starts
            thread.setContextClassLoader(bundleLoader);
            hazelcast = Hazelcast.newHazelcastInstance(HazelcastConfigFactory.create(next, bundleLoader));
            running = new Running(hazelcast, next);
            LOG.info("joined cluster '{}' as {} member {} ({} members)", next.clusterName(),
                    next.role().name().toLowerCase(), hazelcast.getCluster().getLocalMember().getAddress(),
                    hazelcast.getCluster().getMembers().size());
        } catch (RuntimeException e) {
            problem = "could not join cluster '" + next.clusterName() + "' on " + next.bindInterface() + ":"
                    + next.port() + ": " + e.getMessage();
            LOG.error(problem, e);
            if (hazelcast != null) {
                hazelcast.shutdown();
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void stop() {
        Running current = running;
        running = null;
        if (current != null) {
            current.close();
        }
    }

    /** The HTTP port of this container (pax-web's), the default port of an app member's endpoint. */
    private int httpPort() {
        try {
            Configuration[] web = configAdmin.listConfigurations("(service.pid=org.ops4j.pax.web)");
            Object port = web == null || web[0].getProperties() == null ? null
                    : web[0].getProperties().get("org.osgi.service.http.port");
            if (port == null) {
                port = context.getProperty("org.osgi.service.http.port");
            }
            return port == null ? DEFAULT_HTTP_PORT : Integer.parseInt(port.toString().trim());
        } catch (IOException | InvalidSyntaxException | NumberFormatException e) {
            LOG.warn("could not read the HTTP port, assuming {}: {}", DEFAULT_HTTP_PORT, e.toString());
            return DEFAULT_HTTP_PORT;
        }
    }

    /** One running member and what it registered. */
    private final class Running implements AutoCloseable {

        final HazelcastInstance hazelcast;
        final EndpointAnnouncer announcer;
        final List<ServiceRegistration<?>> registrations = new ArrayList<>();

        Running(HazelcastInstance hazelcast, MemberSettings settings) {
            this.hazelcast = hazelcast;
            MemberDirectory directory = new MemberDirectory(hazelcast);
            directory.forgetDepartedMembers();
            this.announcer = new EndpointAnnouncer(directory, settings).start();
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(ROLE_PROPERTY, settings.role().name().toLowerCase());
            properties.put("cluster.name", settings.clusterName());
            registrations.add(context.registerService(HazelcastInstance.class, hazelcast, properties));
            registrations.add(context.registerService(ClusterMembership.class,
                    new MembershipView(settings.clusterName(), directory, settings), properties));
            registrations.add(context.registerService(SharedCounters.class, new HazelcastSharedCounters(hazelcast,
                    settings.countersMinMembers(), settings.countersTimeout()), properties));
        }

        @Override
        public void close() {
            for (ServiceRegistration<?> registration : registrations) {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // already gone with the bundle
                }
            }
            announcer.close();
            hazelcast.shutdown();
        }
    }
}
