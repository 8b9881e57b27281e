/**
 * Database access conventions. The Gatehouse database is the {@code javax.sql.DataSource} service with
 * {@code osgi.jndi.service.name=jdbc/gatehouse}; each bundle that owns tables brings its own versioned SQL
 * migrations and applies them through {@link io.gatehouse.api.persistence.SchemaMigrations}.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.persistence;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
