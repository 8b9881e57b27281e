package io.gatehouse.ratelimit.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Gatehouse rate-limit zone",
        description = "One zone with NGINX limit_req / limit_conn semantics, matched by path pattern and method")
public @interface ZoneConfig {

    @AttributeDefinition(description = "Zone name (shell, metrics, logs); defaults to the configuration's name, "
            + "for example 'login' for io.gatehouse.ratelimit.zone-login.cfg")
    String name() default "";

    @AttributeDefinition(description = "Ant-style path patterns the zone applies to (comma-separated), for example /api/**")
    String[] paths() default {"/**"};

    @AttributeDefinition(description = "HTTP methods the zone applies to (comma-separated); empty means every method")
    String[] methods() default {};

    @AttributeDefinition(description = "What requests are counted by: ip, subject (the JWT sub claim, unverified), "
            + "header:<name>, or a combination joined with +")
    String key() default "ip";

    @AttributeDefinition(description = "limit_req rate: <n>r/s or <n>r/m; empty for a limit_conn-only zone")
    String rate() default "";

    @AttributeDefinition(description = "limit_req burst: requests accepted above the rate (0 or more)")
    int burst() default 0;

    @AttributeDefinition(description = "Serve the burst without delay (limit_req ... nodelay)")
    boolean nodelay() default false;

    @AttributeDefinition(description = "Requests of the burst served without delay before the rest is delayed "
            + "(limit_req ... delay=<n>, NGINX 1.15.7+); ignored with nodelay")
    int delay() default 0;

    @AttributeDefinition(description = "limit_conn: requests of one key in flight at once; 0 for no limit")
    int conn() default 0;

    @AttributeDefinition(description = "Most keys kept; beyond it idle keys, then the least recently seen, are forgotten")
    int max_keys() default 100_000;

    @AttributeDefinition(description = "Status of a limited request (limit_req_status), 400-599")
    int status() default 429;

    @AttributeDefinition(description = "Send RateLimit-Limit / -Remaining / -Reset on responses of the zone")
    boolean headers() default true;
}
