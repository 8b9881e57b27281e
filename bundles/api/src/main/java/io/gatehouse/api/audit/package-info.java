/**
 * The audit trail and security events: what components record, never how it is stored.
 * <p>
 * Recording never blocks a request on the database: implementations accept an event into durable local storage
 * and persist it asynchronously.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
