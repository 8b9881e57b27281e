package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.http.RequestFilter;
import io.gatehouse.api.http.Verdict;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * limit_conn: requests of one key in flight at once, per zone with {@code conn > 0}. Runs just after limit_req
 * (a delayed request takes its slot after its delay, as in NGINX, where limit_conn runs when limit_req lets the
 * request go); the slot is given back when the exchange completes, whatever its outcome.
 */
@Component(service = RequestFilter.class, property = {
    RequestFilter.NAME + "=ratelimit-conn",
    Constants.SERVICE_RANKING + ":Integer=" + LimitConnFilter.RANKING})
public class LimitConnFilter implements RequestFilter {

    static final int RANKING = 900;

    private final ZoneRegistry registry;

    @Activate
    public LimitConnFilter(@Reference ZoneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Verdict filter(Exchange exchange) {
        Zone[] zones = registry.zones();
        Zone[] entered = null;
        String[] keys = null;
        int n = 0;
        for (Zone z : zones) {
            ZoneSpec s = z.spec();
            if (s.conn() <= 0 || !s.matches(exchange.method(), exchange.path())) {
                continue;
            }
            String key = s.key().key(exchange);
            if (key == null) {
                continue;
            }
            if (!z.enter(key, s.conn())) {
                for (int i = 0; i < n; i++) {
                    entered[i].leave(keys[i]);
                }
                z.connHits.inc();
                if (z.shouldReportConn(registry.now(), ZoneRegistry.REPORT_INTERVAL_MILLIS)) {
                    registry.report(exchange, key, "zone " + s.name() + ": limit_conn " + s.conn() + " reached");
                }
                return Verdict.reject(s.status(), "too many concurrent requests (rate-limit zone " + s.name() + ")")
                        .withHeader("Retry-After", "1");
            }
            if (entered == null) {
                entered = new Zone[zones.length];
                keys = new String[zones.length];
            }
            entered[n] = z;
            keys[n++] = key;
        }
        if (n > 0) {
            Zone[] held = entered;
            String[] heldKeys = keys;
            int count = n;
            exchange.onComplete(() -> {
                for (int i = 0; i < count; i++) {
                    held[i].leave(heldKeys[i]);
                }
            });
        }
        return Verdict.proceed();
    }
}
