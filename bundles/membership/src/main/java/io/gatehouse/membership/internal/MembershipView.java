package io.gatehouse.membership.internal;

import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMember.Health;
import io.gatehouse.api.cluster.ClusterMembership;
import java.time.Instant;
import java.util.List;

/** The {@link ClusterMembership} service over the members map. */
final class MembershipView implements ClusterMembership {

    private final String clusterName;
    private final MemberDirectory directory;
    private final MemberSettings settings;
    private final Instant since = Instant.now();

    MembershipView(String clusterName, MemberDirectory directory, MemberSettings settings) {
        this.clusterName = clusterName;
        this.directory = directory;
        this.settings = settings;
    }

    @Override
    public String clusterName() {
        return clusterName;
    }

    @Override
    public List<ClusterMember> members() {
        return directory.members();
    }

    @Override
    public ClusterMember localMember() {
        return members().stream().filter(ClusterMember::local).findFirst().orElseGet(() -> new ClusterMember(
                directory.localId(), directory.localAddress(), settings.role(),
                settings.role() == ClusterMember.Role.APP ? settings.endpoint().toString() : null, Health.UNKNOWN,
                since, true));
    }
}
