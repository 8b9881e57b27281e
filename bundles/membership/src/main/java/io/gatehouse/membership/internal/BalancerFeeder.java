package io.gatehouse.membership.internal;

import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.cluster.ClusterMember;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a gateway: makes the balancer's cluster backends follow membership. An app member whose endpoint is up is
 * added with source {@value #SOURCE}; one that leaves, or whose endpoint goes down, is removed. Runs on membership
 * events and, as a safety net, every two seconds.
 */
@Component(service = {})
public final class BalancerFeeder {

    /** The source the balancer lists cluster-fed backends under. */
    public static final String SOURCE = "cluster";

    private static final Logger LOG = LoggerFactory.getLogger(BalancerFeeder.class);

    private final LoadBalancer balancer;
    private final MemberDirectory directory;
    private final Set<String> fed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "gatehouse-membership-feeder"));
    private final AutoCloseable subscription;

    @Activate
    public BalancerFeeder(@Reference(target = "(" + ClusterNode.ROLE_PROPERTY + "=gateway)") HazelcastInstance hazelcast,
            @Reference LoadBalancer balancer) {
        this.balancer = balancer;
        this.directory = new MemberDirectory(hazelcast);
        this.subscription = directory.onChange(() -> timer.execute(this::reconcile));
        timer.scheduleWithFixedDelay(this::reconcile, 0, 2, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() throws Exception {
        subscription.close();
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        for (String id : fed) {
            balancer.removeBackend(id);
        }
        fed.clear();
    }

    /** The backends app members announce now: endpoint id to spec, for members whose endpoint is up. */
    static Map<String, BackendSpec> wanted(Iterable<ClusterMember> members) {
        Map<String, BackendSpec> wanted = new LinkedHashMap<>();
        for (ClusterMember member : members) {
            if (member.role() == ClusterMember.Role.APP && member.health() == ClusterMember.Health.UP
                    && member.endpoint().isPresent()) {
                try {
                    HostPort endpoint = HostPort.parse(member.endpoint().get(), 0, "endpoint");
                    BackendSpec spec = BackendSpec.of(endpoint.host(), endpoint.port());
                    wanted.put(spec.id(), spec);
                } catch (IllegalArgumentException e) {
                    LOG.warn("member {} announces an unusable endpoint: {}", member.id(), e.getMessage());
                }
            }
        }
        return wanted;
    }

    private void reconcile() {
        try {
            Map<String, BackendSpec> wanted = wanted(directory.members());
            for (String id : Set.copyOf(fed)) {
                if (!wanted.containsKey(id)) {
                    balancer.removeBackend(id);
                    fed.remove(id);
                    LOG.info("cluster backend {} left the rotation", id);
                }
            }
            for (BackendSpec spec : wanted.values()) {
                if (!fed.contains(spec.id())) {
                    balancer.addBackend(spec, SOURCE);
                    fed.add(spec.id());
                    LOG.info("cluster backend {} joined the rotation", spec.id());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not follow cluster membership: {}", e.toString());
        }
    }
}
