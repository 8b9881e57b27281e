package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.http.PathPattern;
import io.gatehouse.util.config.ConfigValues;
import io.gatehouse.util.config.ConfigValues.Entries;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated zone configuration. {@link #parse} turns every bad value into an {@link IllegalArgumentException}
 * naming the zone and the value, so that a bad update can be refused while the previous configuration stays.
 *
 * @param burst the burst in milli-requests (NGINX's unit)
 * @param delay excess in milli-requests served without delay; {@link Long#MAX_VALUE} for nodelay
 * @param cluster limit_req state shared by every gateway of the cluster (scope = cluster)
 */
record ZoneSpec(String name, List<PathPattern> paths, Set<String> methods, KeySpec key, Rate rate, long burst,
        long delay, int conn, int maxKeys, int status, boolean headers, boolean cluster) {

    static final String FACTORY_PID = "io.gatehouse.ratelimit.zone";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    public boolean nodelay() {
        return delay == Long.MAX_VALUE;
    }

    /** True when the zone applies to this request. */
    boolean matches(String method, String path) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return false;
        }
        for (PathPattern p : paths) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    static ZoneSpec parse(ZoneConfig c, Map<String, ?> properties) {
        String name = name(c.name(), properties);
        try {
            List<PathPattern> paths = new ArrayList<>();
            for (String p : split(c.paths())) {
                paths.add(PathPattern.of(p));
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("paths must name at least one path pattern");
            }
            Set<String> methods = new LinkedHashSet<>();
            for (String m : split(c.methods())) {
                if (!METHOD.matcher(m).matches()) {
                    throw new IllegalArgumentException("method '" + m + "' is not an HTTP method (upper-case letters)");
                }
                methods.add(m);
            }
            KeySpec key = KeySpec.parse(c.key());
            Rate rate = c.rate() == null || c.rate().isBlank() ? null : Rate.parse(c.rate());
            if (c.burst() < 0) {
                throw new IllegalArgumentException("burst " + c.burst() + " is negative: expected 0 or more");
            }
            if (c.delay() < 0) {
                throw new IllegalArgumentException("delay " + c.delay() + " is negative: expected 0 or more");
            }
            if (c.nodelay() && c.delay() > 0) {
                throw new IllegalArgumentException("nodelay and delay=" + c.delay() + " exclude each other");
            }
            if (c.conn() < 0) {
                throw new IllegalArgumentException("conn " + c.conn() + " is negative: expected 0 (no limit) or more");
            }
            if (rate == null && c.conn() == 0) {
                throw new IllegalArgumentException("the zone limits nothing: set a rate, a conn limit, or both");
            }
            if (c.max_keys() < 1) {
                throw new IllegalArgumentException("max.keys " + c.max_keys() + " must be at least 1");
            }
            if (c.status() < 400 || c.status() > 599) {
                throw new IllegalArgumentException("status " + c.status() + " must be 400-599");
            }
            String scope = c.scope() == null ? "local" : c.scope().trim();
            if (!scope.equals("local") && !scope.equals("cluster")) {
                throw new IllegalArgumentException("scope '" + c.scope() + "' must be local or cluster");
            }
            long delay = c.nodelay() ? Long.MAX_VALUE : c.delay() * LeakyBucket.REQUEST;
            return new ZoneSpec(name, List.copyOf(paths), Set.copyOf(methods), key, rate,
                    c.burst() * LeakyBucket.REQUEST, delay, c.conn(), c.max_keys(), c.status(), c.headers(),
                    scope.equals("cluster"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rate-limit zone '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * The configured name, else the name of the factory configuration: Karaf installs {@code zone-login.cfg} as
     * {@code io.gatehouse.ratelimit.zone~login}, named "login".
     */
    static String name(String configured, Map<String, ?> properties) {
        if (configured == null || configured.isBlank()) {
            String pid = String.valueOf(properties.get("service.pid"));
            return pid.substring(pid.indexOf('~') + 1);
        }
        if (!NAME.matcher(configured.trim()).matches()) {
            throw new IllegalArgumentException("rate-limit zone name '" + configured
                    + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return configured.trim();
    }

    /** Values of a multi-valued property; a single .cfg string may list several, comma-separated. */
    static List<String> split(String[] values) {
        return ConfigValues.split(values, ConfigValues.COMMA, Entries.TRIM_DROP_EMPTY);
    }

    /** The delay threshold as configured: nodelay, or delay=n. */
    String delayText() {
        return nodelay() ? "nodelay" : "delay=" + delay / LeakyBucket.REQUEST;
    }
}
