/**
 * Test support: an in-memory {@link io.gatehouse.api.http.Exchange}, what the listener presents to request filters.
 */
@Export
@Version("1.0.0")
package io.gatehouse.tools.exchange;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
