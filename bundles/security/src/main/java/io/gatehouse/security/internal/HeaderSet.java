package io.gatehouse.security.internal;

import io.gatehouse.api.http.FixedHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated headers of a {@link SecurityHeadersConfig}: every bad value is named in the error. Built once per
 * configuration, as {@link FixedHeader}s the listener keeps encoded; {@code hsts} is null when turned off.
 */
record HeaderSet(FixedHeader hsts, List<FixedHeader> always) {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern HSTS = Pattern.compile("(?i)\\s*max-age=\"?[0-9]+\"?\\s*(;.*)?");
    private static final Set<String> REFERRER_POLICIES = Set.of("no-referrer", "no-referrer-when-downgrade", "origin",
            "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url");
    private static final Set<String> OPENER_POLICIES = Set.of("same-origin", "same-origin-allow-popups",
            "unsafe-none", "noopener-allow-popups");

    static HeaderSet parse(SecurityHeadersConfig c) {
        String hsts = value("hsts", c.hsts());
        if (!hsts.isEmpty() && !HSTS.matcher(hsts).matches()) {
            throw new IllegalArgumentException("hsts '" + hsts + "' must start with max-age=<seconds>");
        }
        List<FixedHeader> always = new ArrayList<>();
        add(always, "Content-Security-Policy", value("content.security.policy", c.content_security_policy()));
        String frame = value("frame.options", c.frame_options());
        if (!frame.isEmpty() && !frame.equalsIgnoreCase("DENY") && !frame.equalsIgnoreCase("SAMEORIGIN")) {
            throw new IllegalArgumentException("frame.options '" + frame + "' must be DENY or SAMEORIGIN");
        }
        add(always, "X-Frame-Options", frame.toUpperCase());
        String nosniff = value("content.type.options", c.content_type_options());
        if (!nosniff.isEmpty() && !nosniff.equalsIgnoreCase("nosniff")) {
            throw new IllegalArgumentException("content.type.options '" + nosniff + "' must be nosniff");
        }
        add(always, "X-Content-Type-Options", nosniff.toLowerCase());
        String referrer = value("referrer.policy", c.referrer_policy());
        for (String token : referrer.split(",")) {
            if (!referrer.isEmpty() && !REFERRER_POLICIES.contains(token.trim().toLowerCase())) {
                throw new IllegalArgumentException("referrer.policy '" + referrer + "': unknown policy '"
                        + token.trim() + "'");
            }
        }
        add(always, "Referrer-Policy", referrer);
        add(always, "Permissions-Policy", value("permissions.policy", c.permissions_policy()));
        String opener = value("cross.origin.opener.policy", c.cross_origin_opener_policy());
        if (!opener.isEmpty() && !OPENER_POLICIES.contains(opener.toLowerCase())) {
            throw new IllegalArgumentException("cross.origin.opener.policy '" + opener + "' must be one of "
                    + OPENER_POLICIES);
        }
        add(always, "Cross-Origin-Opener-Policy", opener);
        for (String line : c.extra() == null ? new String[0] : c.extra()) {
            if (line == null || line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("extra header '" + line + "' must be 'Name: value'");
            }
            add(always, name, value("extra header " + name, line.substring(colon + 1)));
        }
        return new HeaderSet(hsts.isEmpty() ? null : new FixedHeader("Strict-Transport-Security", hsts),
                List.copyOf(always));
    }

    private static void add(List<FixedHeader> headers, String name, String value) {
        if (!value.isEmpty()) {
            headers.add(new FixedHeader(name, value));
        }
    }

    /** Trims the value and refuses control characters (no header injection through configuration). */
    private static String value(String property, String value) {
        String v = value == null ? "" : value.trim();
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                throw new IllegalArgumentException(property + " '" + v.replaceAll("\\p{Cntrl}", "?")
                        + "' contains a control character");
            }
        }
        return v;
    }
}
