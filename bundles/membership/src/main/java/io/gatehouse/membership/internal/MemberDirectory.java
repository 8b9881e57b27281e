package io.gatehouse.membership.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.gatehouse.api.cluster.ClusterMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The members map: each member's announcement keyed by its Hazelcast UUID. An entry goes when its member leaves
 * (every member removes it on the membership event, so a crashed member's entry goes as soon as Hazelcast declares
 * it dead) and also expires when its member stops renewing it.
 */
public final class MemberDirectory {

    private static final Logger LOG = Logger.getLogger(MemberDirectory.class.getName());

    private final HazelcastInstance hazelcast;
    private final IMap<String, String> map;

    public MemberDirectory(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(HazelcastConfigFactory.MEMBERS_MAP);
    }

    /**
     * Removes a member's entry as soon as Hazelcast declares it gone, and the entries of members that left while
     * no one was there. Installed once per member, by the member itself.
     */
    public void forgetDepartedMembers() {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // nothing: a member announces itself
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                forget(event.getMember().getUuid());
            }
        });
        purgeDeparted();
    }

    public String localId() {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    public String localAddress() {
        Member local = hazelcast.getCluster().getLocalMember();
        return local.getAddress().getHost() + ":" + local.getAddress().getPort();
    }

    /** Publishes (or renews) this member's announcement, valid for {@code ttl} unless renewed. */
    public void announce(MemberRecord record, Duration ttl) {
        map.set(localId(), record.encode(), ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void withdraw() {
        map.delete(localId());
    }

    /** Every member in the cluster now that has announced itself, oldest first. */
    public List<ClusterMember> members() {
        String local = localId();
        List<ClusterMember> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String id = member.getUuid().toString();
            String text = map.get(id);
            if (text != null) {
                try {
                    members.add(MemberRecord.decode(text).toMember(id, id.equals(local)));
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.WARNING, "ignoring member " + id + ": " + e.getMessage());
                }
            }
        }
        return members;
    }

    /**
     * Calls {@code onChange} (on a Hazelcast event thread) whenever an announcement or the member set changes.
     *
     * @return closing it stops the calls
     */
    public AutoCloseable onChange(Runnable onChange) {
        UUID entries = map.addEntryListener(new ChangeListener(onChange), false);
        UUID membership = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                onChange.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                onChange.run();
            }
        });
        return () -> {
            map.removeEntryListener(entries);
            hazelcast.getCluster().removeMembershipListener(membership);
        };
    }

    private void forget(UUID member) {
        try {
            map.delete(member.toString());
        } catch (RuntimeException e) {
            // another member removes it too, or the entry expires: only worth a note
            LOG.log(Level.FINE, "could not remove departed member " + member, e);
        }
    }

    /** Entries of members that left while no one was there to remove them. */
    private void purgeDeparted() {
        Set<String> present = hazelcast.getCluster().getMembers().stream().map(m -> m.getUuid().toString())
                .collect(Collectors.toSet());
        for (String id : map.keySet()) {
            if (!present.contains(id)) {
                map.delete(id);
            }
        }
    }

    private static final class ChangeListener implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>,
            EntryExpiredListener<String, String> {

        private final Runnable onChange;

        ChangeListener(Runnable onChange) {
            this.onChange = onChange;
        }

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            onChange.run();
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            onChange.run();
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            onChange.run();
        }

        @Override
        public void entryExpired(EntryEvent<String, String> event) {
            onChange.run();
        }
    }
}
