package io.gatehouse.api.balancer;

/** Where a backend stands in the rotation. */
public enum BackendState {
    /** Receives new requests. */
    UP,
    /** Recovering from a failure: receives a share of traffic that grows over the slow-start period. */
    SLOW_START,
    /** Failed its health checks or passive failure limit: receives nothing until it recovers. */
    DOWN,
    /** Finishes its in-flight requests and receives no new ones, on an operator's or the supervisor's request. */
    DRAINING
}
