package io.gatehouse.api.audit;

import org.osgi.annotation.versioning.ProviderType;

/** Records security events (failed logins, rate-limit hits, CSRF failures, access denials, invalid tokens...). */
@ProviderType
public interface SecurityEvents {

    /**
     * Accepts an event for durable storage, without waiting for the database.
     *
     * @throws IllegalArgumentException naming the field when a required field is missing or a value is too long
     */
    void record(SecurityEvent event);
}
