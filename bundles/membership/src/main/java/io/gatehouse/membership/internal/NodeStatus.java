package io.gatehouse.membership.internal;

import java.util.Optional;

/** The membership component's own state, for the shell: what it runs with and the last configuration it refused. */
public interface NodeStatus {

    /** The settings in effect; empty before a valid configuration was seen. */
    Optional<MemberSettings> settings();

    /** Whether this container is a cluster member now. */
    boolean running();

    /** Why the last configuration (or start) was refused, naming the bad value; empty when it was accepted. */
    Optional<String> problem();
}
