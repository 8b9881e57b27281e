package io.gatehouse.membership.internal;

import com.hazelcast.core.HazelcastInstance;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.SupervisedBackends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a gateway: makes the balancer's cluster backends follow membership. An app member whose endpoint is up is
 * added with source {@value #SOURCE}; one that leaves, or whose endpoint goes down, is removed. Runs on membership
 * events and, as a safety net, every two seconds.
 * <p>
 * Endpoints owned in this gateway ({@link BackendOwnership}: the local supervisor's containers, the configured
 * backend list, backends added from the shell) are left to their owner: never added, re-admitted or removed here,
 * so a supervised container that restarts comes back only through the supervisor's drain, health, settle and slow
 * start, however early its member announces itself.
 */
@Component(service = {})
public final class BalancerFeeder {

    /** The source the balancer lists cluster-fed backends under. */
    public static final String SOURCE = BackendOwnership.MEMBERSHIP_SOURCE;

    private static final Logger LOG = LoggerFactory.getLogger(BalancerFeeder.class);

    private final LoadBalancer balancer;
    private final MemberDirectory directory;
    private final Set<String> fed = ConcurrentHashMap.newKeySet();
    private final Set<String> leftAlone = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "gatehouse-membership-feeder"));
    private final AutoCloseable subscription;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<SupervisedBackends> supervisors;

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
        BackendOwnership ownership = BackendOwnership.from(balancer.backends(), supervisors);
        for (String id : fed) {
            if (!ownership.owned(id)) {
                balancer.removeBackendIfFrom(id, SOURCE);
            }
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

    /** The announced backends membership manages here: those up and not owned by anyone in this gateway. */
    static Set<String> managed(Iterable<ClusterMember> members, BackendOwnership ownership) {
        Set<String> managed = new java.util.LinkedHashSet<>();
        for (String id : wanted(members).keySet()) {
            if (!ownership.owned(id)) {
                managed.add(id);
            }
        }
        return managed;
    }

    /**
     * What one round changes.
     *
     * @param add announced, not owned, not fed yet
     * @param remove fed, no longer announced (or down), not owned
     * @param release fed until now, but owned now (its owner declared it): forgotten, left in the balancer as it is
     * @param leftAlone announced but owned here: never touched
     */
    record Plan(List<BackendSpec> add, List<String> remove, List<String> release, List<String> leftAlone) {
    }

    /** The ownership rule, without side effects: what to do given what is announced, fed and owned. */
    static Plan plan(Map<String, BackendSpec> wanted, Set<String> fed, BackendOwnership ownership) {
        List<BackendSpec> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> release = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        for (String id : fed) {
            if (ownership.owned(id)) {
                release.add(id);
            } else if (!wanted.containsKey(id)) {
                remove.add(id);
            }
        }
        for (BackendSpec spec : wanted.values()) {
            if (ownership.owned(spec.id())) {
                leftAlone.add(spec.id());
            } else if (!fed.contains(spec.id())) {
                add.add(spec);
            }
        }
        return new Plan(add, remove, release, leftAlone);
    }

    /**
     * Carries out a round's adds, removes and releases on the balancer, keeping {@code fed} (what membership added)
     * true. A backend another source declared since the round looked is neither taken over nor removed: the add or
     * the removal is a no-op then.
     */
    static void apply(Plan plan, BackendOwnership ownership, LoadBalancer balancer, Set<String> fed) {
        for (String id : plan.release()) {
            fed.remove(id);
            LOG.info("cluster backend {} is now declared by {} in this gateway: left to it", id,
                    ownership.owner(id).orElse("?"));
        }
        for (String id : plan.remove()) {
            fed.remove(id);
            if (balancer.removeBackendIfFrom(id, SOURCE)) {
                LOG.info("cluster backend {} left the rotation", id);
            } else {
                LOG.info("cluster backend {} is now declared by another source in this gateway: left to it", id);
            }
        }
        for (BackendSpec spec : plan.add()) {
            if (balancer.addBackendIfAbsent(spec, SOURCE)) {
                fed.add(spec.id());
                LOG.info("cluster backend {} joined the rotation", spec.id());
            } else {
                LOG.info("announced endpoint {} was declared in this gateway meanwhile: membership leaves it alone",
                        spec.id());
            }
        }
    }

    private void reconcile() {
        try {
            Map<String, BackendSpec> wanted = wanted(directory.members());
            BackendOwnership ownership = BackendOwnership.from(balancer.backends(), supervisors);
            Plan plan = plan(wanted, Set.copyOf(fed), ownership);
            apply(plan, ownership, balancer, fed);
            for (String id : plan.leftAlone()) {
                if (leftAlone.add(id)) {
                    LOG.info("announced endpoint {} is fed by this gateway's {}: membership leaves it alone", id,
                            ownership.owner(id).orElse("?"));
                }
            }
            leftAlone.retainAll(plan.leftAlone());
        } catch (RuntimeException e) {
            LOG.warn("could not follow cluster membership: {}", e.toString());
        }
    }
}
