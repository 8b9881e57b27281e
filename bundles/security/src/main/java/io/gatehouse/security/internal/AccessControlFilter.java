package io.gatehouse.security.internal;

import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import io.gatehouse.util.net.IpLiteral;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Access control by client network: the most specific {@link AccessPolicy} whose paths match the request decides,
 * its rules in order, first match wins (as NGINX's allow/deny in the matching location). Denied: 403 and an
 * ACCESS_DENIED security event.
 */
@Component(service = RequestFilter.class, property = {
    RequestFilter.NAME + "=access-control",
    Constants.SERVICE_RANKING + ":Integer=" + AccessControlFilter.RANKING})
public class AccessControlFilter implements RequestFilter {

    static final int RANKING = 1500;

    private final List<AccessPolicy> policies = new CopyOnWriteArrayList<>();
    private final SecurityEventRecorder events;
    final LongAdder denied = new LongAdder();

    @Activate
    public AccessControlFilter(@Reference SecurityEventRecorder events) {
        this.events = events;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPolicy(AccessPolicy policy) {
        policies.add(policy);
    }

    void removePolicy(AccessPolicy policy) {
        policies.remove(policy);
    }

    @Override
    public Verdict filter(Exchange exchange) {
        String path = exchange.path();
        AccessPolicy.Rules chosen = null;
        int best = -1;
        for (AccessPolicy p : policies) {
            AccessPolicy.Rules r = p.rules();
            int s = r.specificity(path);
            if (s > best || s == best && s >= 0 && r.name().compareTo(chosen.name()) < 0) {
                best = s;
                chosen = r;
            }
        }
        if (chosen == null) {
            return Verdict.proceed();
        }
        String client = exchange.clientAddress();
        if (chosen.allows(IpLiteral.bytes(client))) {
            return Verdict.proceed();
        }
        denied.increment();
        events.record(SecurityEventType.ACCESS_DENIED, exchange,
                "access policy " + chosen.name() + " denies " + exchange.method() + " " + path);
        return Verdict.reject(403, "forbidden");
    }
}
