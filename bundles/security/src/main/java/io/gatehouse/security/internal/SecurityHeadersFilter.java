package io.gatehouse.security.internal;

import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.FixedHeader;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the security headers on every response of the exchange. First in the chain, so that the answers of later
 * filters (403, 405, 429...) carry them too. The listener applies them to proxied, static and error responses.
 */
@Component(service = RequestFilter.class, configurationPid = SecurityHeadersFilter.PID, property = {
    RequestFilter.NAME + "=security-headers",
    Constants.SERVICE_RANKING + ":Integer=" + SecurityHeadersFilter.RANKING})
@Designate(ocd = SecurityHeadersConfig.class)
public class SecurityHeadersFilter implements RequestFilter {

    static final String PID = "io.gatehouse.security.headers";
    static final int RANKING = 3000;
    private static final Logger LOG = LoggerFactory.getLogger(SecurityHeadersFilter.class);

    private volatile HeaderSet headers;

    @Activate
    public SecurityHeadersFilter(SecurityHeadersConfig config) {
        try {
            headers = HeaderSet.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration {}: {}; sending the safe defaults instead", PID, e.getMessage());
            headers = HeaderSet.parse(Defaults.of(SecurityHeadersConfig.class));
        }
    }

    @Modified
    void modified(SecurityHeadersConfig config) {
        try {
            headers = HeaderSet.parse(config);
            LOG.info("Security headers reconfigured");
        } catch (IllegalArgumentException e) {
            LOG.error("Refused configuration update of {}: {}; the previous headers stay in force", PID, e.getMessage());
        }
    }

    @Override
    public Verdict filter(Exchange exchange) {
        HeaderSet h = headers;
        for (FixedHeader header : h.always()) {
            exchange.setResponseHeader(header);
        }
        if (h.hsts() != null && "https".equalsIgnoreCase(exchange.scheme())) {
            exchange.setResponseHeader(h.hsts());
        }
        return Verdict.proceed();
    }
}
