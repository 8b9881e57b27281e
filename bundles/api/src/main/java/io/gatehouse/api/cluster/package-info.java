/**
 * The cluster of Gatehouse containers: who is a member (gateways and app containers on any machine), and a small
 * shared store that lets several gateways enforce one limit together.
 * <p>
 * Provided by the {@code gatehouse-membership} feature. Consumers should treat both services as optional: a
 * container without membership simply has no {@link io.gatehouse.api.cluster.ClusterMembership} service, and a
 * rate limiter without {@link io.gatehouse.api.cluster.SharedCounters} keeps its state locally.
 * <p>
 * {@link io.gatehouse.api.cluster.SupervisedBackends} (since 1.1.0) goes the other way: registered by the supervisor,
 * it names the backends membership must leave alone.
 */
@Export
@Version("1.1.0")
package io.gatehouse.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
