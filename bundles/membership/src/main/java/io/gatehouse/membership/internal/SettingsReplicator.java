package io.gatehouse.membership.internal;

import com.hazelcast.map.IMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps local settings and the cluster's settings map equal, in both directions, without loops.
 * <p>
 * Each key has a last agreed value. When the local value differs from it, an operator changed it here: the map gets
 * the local value. Otherwise, when the map's value differs from it, another gateway changed it: the local value is
 * set. A value applied here becomes agreed only once it reads back locally, so this gateway's own echo is never
 * mistaken for a change. A gateway that joins (or whose balancer comes back) takes the cluster's value for every key
 * both sides have, and publishes the keys only it has. Concurrent changes on two gateways: the map's last write wins
 * and the other gateway follows it.
 */
final class SettingsReplicator {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsReplicator.class);

    private final IMap<String, String> map;
    private final List<SettingSource> sources;
    private final Map<String, String> agreed = new HashMap<>();
    private final Set<SettingSource> joined = new HashSet<>();
    private final Map<String, String> failing = new HashMap<>();

    SettingsReplicator(IMap<String, String> map, List<SettingSource> sources) {
        this.map = map;
        this.sources = List.copyOf(sources);
    }

    /** One round over every source; call from one thread at a time. */
    void reconcile() {
        for (SettingSource source : sources) {
            try {
                if (source.available()) {
                    reconcile(source);
                } else {
                    // when it comes back (a balancer restarted), it joins again like a new gateway
                    joined.remove(source);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not mirror cluster settings of {}: {}", source, e.toString());
            }
        }
    }

    private void reconcile(SettingSource source) {
        Map<String, String> local = source.read();
        if (joined.add(source)) {
            for (Map.Entry<String, String> entry : local.entrySet()) {
                if (map.containsKey(entry.getKey())) {
                    agreed.put(entry.getKey(), entry.getValue());
                }
            }
        }
        Set<String> keys = new HashSet<>(local.keySet());
        map.keySet().stream().filter(source::owns).forEach(keys::add);
        agreed.keySet().stream().filter(source::owns).forEach(keys::add);
        for (String key : keys) {
            String mine = local.get(key);
            String theirs = map.get(key);
            String last = agreed.get(key);
            if (Objects.equals(mine, theirs)) {
                agree(key, mine);  // equal here and in the cluster: agreed, whoever changed it
            } else if (!Objects.equals(mine, last)) {
                if (mine == null) {
                    map.delete(key);
                } else {
                    map.set(key, mine);
                }
                agree(key, mine);
                LOG.info("cluster setting {} changed here, now {}", key, mine == null ? "unset" : "set");
            } else if (!Objects.equals(theirs, last)) {
                apply(source, key, theirs);
            }
        }
    }

    private void apply(SettingSource source, String key, String value) {
        String problem;
        try {
            problem = source.apply(key, value) ? null : "not applied yet";
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            agree(key, value);
            failing.remove(key);
            LOG.info("cluster setting {} applied from another gateway", key);
        } else if (!problem.equals(failing.put(key, problem))) {
            // retried every second; said once
            LOG.warn("cluster setting {} could not be applied here, retrying: {}", key, problem);
        }
    }

    private void agree(String key, String value) {
        if (value == null) {
            agreed.remove(key);
        } else {
            agreed.put(key, value);
        }
    }
}
