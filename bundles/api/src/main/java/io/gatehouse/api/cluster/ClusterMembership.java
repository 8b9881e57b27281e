package io.gatehouse.api.cluster;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The members of the cluster this container has joined, as they announced themselves. Registered while the
 * container is a member; used by the shell, the console and the supervisor.
 */
@ProviderType
public interface ClusterMembership {

    /** The cluster's name; containers join only clusters of the same name. */
    String clusterName();

    /** Every member that is in the cluster now, this one included, oldest first. */
    List<ClusterMember> members();

    /** This container. */
    ClusterMember localMember();
}
