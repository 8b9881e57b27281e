package io.gatehouse.api.audit;

import org.osgi.annotation.versioning.ProviderType;

/** Records audited actions. */
@ProviderType
public interface AuditLog {

    /**
     * Accepts an event for durable storage. Returns once the event is safe locally, without waiting for the
     * database.
     *
     * @throws IllegalArgumentException naming the field when a required field is missing or a value is too long
     */
    void record(AuditEvent event);
}
