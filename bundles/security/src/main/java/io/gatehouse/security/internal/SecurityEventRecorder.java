package io.gatehouse.security.internal;

import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.audit.SecurityEvents;
import io.gatehouse.api.http.Exchange;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the filters' security events to the audit bundle's {@link SecurityEvents} when it is installed; without
 * it, events are dropped and the filters work all the same.
 */
@Component(service = SecurityEventRecorder.class)
public class SecurityEventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityEventRecorder.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SecurityEvents events;

    public SecurityEventRecorder() {
    }

    /** For unit tests: records into {@code events}. */
    SecurityEventRecorder(SecurityEvents events) {
        this.events = events;
    }

    void record(SecurityEventType type, Exchange exchange, String detail) {
        SecurityEvents sink = events;
        if (sink == null) {
            return;
        }
        try {
            sink.record(SecurityEvent.of(type, "", exchange.clientAddress(), exchange.requestId(), detail));
        } catch (RuntimeException e) {
            LOG.debug("Security event not recorded: {}", e.getMessage());
        }
    }
}
