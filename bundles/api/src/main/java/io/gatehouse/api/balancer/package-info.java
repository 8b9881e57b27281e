/**
 * Load balancing: the backend view strategies choose from, the strategy SPI, and the balancer service that the
 * listener, the supervisor and the console drive.
 * <p>
 * A strategy is a {@link io.gatehouse.api.balancer.BalancingStrategy} service with a
 * {@value io.gatehouse.api.balancer.BalancingStrategy#NAME} property; a bundle that registers one makes it selectable
 * at runtime.
 */
@Export
@Version("1.2.0")
package io.gatehouse.api.balancer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
