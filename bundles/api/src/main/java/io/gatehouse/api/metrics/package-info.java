/**
 * Naming conventions for metrics in the shared Dropwizard {@code MetricRegistry} service, so that every bundle's
 * metrics export to Prometheus with stable names and labels.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
