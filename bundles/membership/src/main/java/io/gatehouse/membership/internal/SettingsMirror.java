package io.gatehouse.membership.internal;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.gatehouse.api.balancer.LoadBalancer;
import io.gatehouse.api.cluster.SupervisedBackends;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * In a gateway: keeps the cluster-wide settings (docs/cluster.md lists them) equal on every gateway, through the
 * {@value HazelcastConfigFactory#SETTINGS_MAP} map ({@link SettingsReplicator} says how). Runs on map events and
 * every second.
 */
@Component(service = {})
public final class SettingsMirror {

    private final IMap<String, String> map;
    private final SettingsReplicator replicator;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "gatehouse-membership-settings"));
    private final UUID listener;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LoadBalancer balancer;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<SupervisedBackends> supervisors;

    @Activate
    public SettingsMirror(@Reference(target = "(" + ClusterNode.ROLE_PROPERTY + "=gateway)") HazelcastInstance hazelcast,
            @Reference ConfigurationAdmin configAdmin) {
        this.map = hazelcast.getMap(HazelcastConfigFactory.SETTINGS_MAP);
        MemberDirectory directory = new MemberDirectory(hazelcast);
        this.replicator = new SettingsReplicator(map, List.of(new StrategySetting(() -> balancer),
                new DrainSetting(() -> balancer, this::ownership, () -> BalancerFeeder.managed(directory.members(),
                        ownership())),
                new RateLimitZoneSetting(configAdmin)));
        this.listener = map.addEntryListener(new Trigger(), false);
        timer.scheduleWithFixedDelay(this::reconcile, 0, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        map.removeEntryListener(listener);
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private BackendOwnership ownership() {
        LoadBalancer current = balancer;
        return BackendOwnership.from(current == null ? List.of() : current.backends(), supervisors);
    }

    private void reconcile() {
        replicator.reconcile();
    }

    private final class Trigger implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            timer.execute(SettingsMirror.this::reconcile);
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            timer.execute(SettingsMirror.this::reconcile);
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            timer.execute(SettingsMirror.this::reconcile);
        }
    }
}
