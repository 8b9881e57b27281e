package io.gatehouse.security.internal;

import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request hardening: 414 for an over-long request target, 400 for traversal and encoding tricks in the raw path
 * (recorded as a REQUEST_REJECTED security event), 405 with Allow for a method not served, 413 for a declared body
 * over the limit.
 */
@Component(service = RequestFilter.class, configurationPid = RequestHardeningFilter.PID, property = {
    RequestFilter.NAME + "=request-hardening",
    Constants.SERVICE_RANKING + ":Integer=" + RequestHardeningFilter.RANKING})
@Designate(ocd = HardeningConfig.class)
public class RequestHardeningFilter implements RequestFilter {

    static final String PID = "io.gatehouse.security.hardening";
    static final int RANKING = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(RequestHardeningFilter.class);
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    record Limits(Set<String> methods, String allow, int maxUri, long maxBody) {
        static Limits parse(HardeningConfig c) {
            Set<String> methods = new LinkedHashSet<>();
            for (String m : AccessPolicy.split(c.allowed_methods())) {
                if (!METHOD.matcher(m).matches()) {
                    throw new IllegalArgumentException("allowed.methods: '" + m + "' is not an HTTP method (upper-case letters)");
                }
                methods.add(m);
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("allowed.methods must name at least one method");
            }
            if (c.max_uri_length() < 16) {
                throw new IllegalArgumentException("max.uri.length " + c.max_uri_length() + " must be at least 16");
            }
            if (c.max_body_bytes() < 0) {
                throw new IllegalArgumentException("max.body.bytes " + c.max_body_bytes() + " is negative");
            }
            return new Limits(Set.copyOf(methods), String.join(", ", methods), c.max_uri_length(), c.max_body_bytes());
        }
    }

    private volatile Limits limits;
    private final SecurityEventRecorder events;

    @Activate
    public RequestHardeningFilter(HardeningConfig config, @Reference SecurityEventRecorder events) {
        this.events = events;
        try {
            limits = Limits.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration {}: {}; using the defaults instead", PID, e.getMessage());
            limits = Limits.parse(Defaults.of(HardeningConfig.class));
        }
    }

    @Modified
    void modified(HardeningConfig config) {
        try {
            limits = Limits.parse(config);
            LOG.info("Request hardening reconfigured: {}", limits);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration update of {}: {}; the previous limits stay in force ({})", PID,
                    e.getMessage(), limits);
        }
    }

    @Override
    public Verdict filter(Exchange exchange) {
        Limits l = limits;
        String raw = exchange.rawPath();
        String query = exchange.query();
        long target = (raw == null ? 0 : raw.length()) + (query == null ? 0 : query.length() + 1);
        if (target > l.maxUri()) {
            return Verdict.reject(414, "request target longer than " + l.maxUri() + " characters");
        }
        String problem = RawPathInspector.problem(raw);
        if (problem != null) {
            events.record(SecurityEventType.REQUEST_REJECTED, exchange, problem);
            return Verdict.reject(400, "bad request: " + problem);
        }
        if (!l.methods().contains(exchange.method())) {
            return Verdict.reject(405, "method not allowed").withHeader("Allow", l.allow());
        }
        if (exchange.contentLength() > l.maxBody()) {
            return Verdict.reject(413, "request body larger than " + l.maxBody() + " bytes");
        }
        return Verdict.proceed();
    }
}
