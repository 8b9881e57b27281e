package io.gatehouse.balancer.command;

import io.gatehouse.api.balancer.LoadBalancer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/** What every {@code balancer:*} command needs: the balancer. */
abstract class BalancerCommandSupport implements Action {

    @Reference
    LoadBalancer balancer;

    /** Fails the command with a message naming the unknown backend. */
    static IllegalArgumentException unknownBackend(String id, LoadBalancer balancer) {
        return new IllegalArgumentException("no backend '" + id + "'; backends: "
                + String.join(", ", balancer.backends().stream().map(b -> b.id()).toList()));
    }
}
