/**
 * The gateway's own small view of an HTTP exchange, and the request filter whiteboard.
 * <p>
 * Filters never see the listener's engine types: the listener adapts each request to an {@link io.gatehouse.api.http.Exchange}
 * and runs every {@link io.gatehouse.api.http.RequestFilter} service, highest {@code service.ranking} first.
 */
@Export
@Version("1.2.0")
package io.gatehouse.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
