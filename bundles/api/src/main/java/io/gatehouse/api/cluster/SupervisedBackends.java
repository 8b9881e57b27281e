package io.gatehouse.api.cluster;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Backends of this gateway's balancer that a component of this gateway feeds by itself: the supervisor, for the app
 * containers it runs on this machine. Such a component takes a container out of rotation, restarts it, waits until
 * it is healthy and settled, and only then re-admits it; anything else adding or re-admitting the same address would
 * send requests to a container still booting.
 * <p>
 * So cluster membership never adds, re-admits, drains or removes a backend whose id is in {@link #backendIds()},
 * also while that backend is not in the balancer (a container being laid out, restarted or removed): a gateway's
 * own containers are fed only by its supervisor. Membership feeds only endpoints announced from elsewhere (other
 * machines, containers started by hand).
 *
 * @since 1.1.0
 */
@ProviderType
public interface SupervisedBackends {

    /**
     * The backend ids ({@code host:port}, as the balancer names them, e.g. {@code 127.0.0.1:5005}) this component
     * owns now: every container it manages, whatever its state. Cheap to call; called every few seconds.
     */
    Set<String> backendIds();
}
